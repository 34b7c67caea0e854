package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.core.type.TypeReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime image a Dockerfile describes, read from the instructions of its last stage that the tests
 * rely on: WORKDIR, ENV, COPY, EXPOSE, HEALTHCHECK and the exec forms of ENTRYPOINT and CMD.
 */
final class DockerImage {
    /** {@code COPY [--from=stage] source... destination}. */
    record Copy(String from, List<String> sources, String destination) {
    }

    private String workdir = "/";
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<Copy> copies = new ArrayList<>();
    private final List<String> exposed = new ArrayList<>();
    private List<String> healthcheck = List.of();
    private List<String> entrypoint = List.of();
    private List<String> cmd = List.of();

    static DockerImage read(Path dockerfile) {
        try {
            return new DockerImage(Files.readString(dockerfile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private DockerImage(String text) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.lines().toList()) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                instructions.add(current.append(trimmed).toString());
                current.setLength(0);
            }
        }
        for (String instruction : instructions) {
            String[] words = instruction.split("\\s+", 2);
            String arguments = words.length > 1 ? words[1].strip() : "";
            switch (words[0].toUpperCase()) {
                case "FROM" -> { // a new stage: only the last one is the image
                    workdir = "/";
                    environment.clear();
                    copies.clear();
                    exposed.clear();
                    healthcheck = entrypoint = cmd = List.of();
                }
                case "WORKDIR" -> workdir = arguments;
                case "ENV" -> env(arguments);
                case "COPY" -> copy(arguments);
                case "EXPOSE" -> exposed.addAll(Arrays.asList(arguments.split("\\s+")));
                case "HEALTHCHECK" -> healthcheck = execForm(arguments.substring(arguments.indexOf("CMD ") + 4));
                case "ENTRYPOINT" -> entrypoint = execForm(arguments);
                case "CMD" -> cmd = execForm(arguments);
                default -> {
                    // RUN, VOLUME, ...: nothing the tests stand in for
                }
            }
        }
    }

    private void env(String arguments) {
        String[] pairs = arguments.split("\\s+");
        if (!pairs[0].contains("=")) { // ENV KEY value
            environment.put(pairs[0], arguments.substring(pairs[0].length()).strip());
            return;
        }
        for (String pair : pairs) {
            environment.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
    }

    private void copy(String arguments) {
        List<String> words = new ArrayList<>(Arrays.asList(arguments.split("\\s+")));
        String from = null;
        if (words.get(0).startsWith("--from=")) {
            from = words.remove(0).substring("--from=".length());
        }
        copies.add(new Copy(from, List.copyOf(words.subList(0, words.size() - 1)), words.get(words.size() - 1)));
    }

    private static List<String> execForm(String json) {
        try {
            return NodeFixture.JSON.readValue(json.strip(), new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new AssertionError("not an exec form (JSON array): " + json, e);
        }
    }

    String workdir() {
        return workdir;
    }

    Map<String, String> environment() {
        return environment;
    }

    List<Copy> copies() {
        return copies;
    }

    List<String> exposed() {
        return exposed;
    }

    /** The HEALTHCHECK's command, with its leading {@code CMD}, as compose spells a healthcheck's test. */
    List<String> healthcheck() {
        List<String> test = new ArrayList<>(List.of("CMD"));
        test.addAll(healthcheck);
        return healthcheck.isEmpty() ? List.of() : test;
    }

    List<String> entrypoint() {
        return entrypoint;
    }

    List<String> cmd() {
        return cmd;
    }
}
