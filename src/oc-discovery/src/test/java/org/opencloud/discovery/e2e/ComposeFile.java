package org.opencloud.discovery.e2e;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compose file as the tests read it (snakeyaml-engine, which camel-yaml-dsl brings): its services in file
 * order with the few keys Docker would act on, and the set-up steps of its header comment.
 */
final class ComposeFile {
    /** A bind mount ({@code ./a:/target}) or a named volume ({@code name:/target}), short syntax. */
    record Volume(String source, String target, boolean readOnly) {
        boolean bind() {
            return source.startsWith(".") || source.startsWith("/");
        }
    }

    /** One service's YAML. */
    record Service(String name, Map<String, Object> yaml) {
        boolean built() {
            return yaml.containsKey("build");
        }

        String image() {
            return String.valueOf(yaml.getOrDefault("image", ""));
        }

        /** {@code build.context} and {@code build.dockerfile}, as written. */
        Map<String, String> build() {
            Map<String, String> build = new LinkedHashMap<>();
            map(yaml.get("build")).forEach((key, value) -> build.put(key, String.valueOf(value)));
            return build;
        }

        List<String> command() {
            return strings(yaml.get("command"));
        }

        /** The {@code environment} map, values as Docker passes them (strings). */
        Map<String, String> environment() {
            Map<String, String> environment = new LinkedHashMap<>();
            map(yaml.get("environment")).forEach((key, value) -> environment.put(key, String.valueOf(value)));
            return environment;
        }

        List<Volume> volumes() {
            List<Volume> volumes = new ArrayList<>();
            for (String volume : strings(yaml.get("volumes"))) {
                String[] parts = volume.split(":");
                volumes.add(new Volume(parts[0], parts[1], parts.length > 2 && parts[2].equals("ro")));
            }
            return volumes;
        }

        /** The services this one waits for, with their condition (a plain list means {@code service_started}). */
        Map<String, String> dependsOn() {
            Map<String, String> dependencies = new LinkedHashMap<>();
            Object dependsOn = yaml.get("depends_on");
            if (dependsOn instanceof List<?> list) {
                list.forEach(name -> dependencies.put(String.valueOf(name), "service_started"));
            } else {
                map(dependsOn).forEach((name, spec) ->
                        dependencies.put(name, String.valueOf(map(spec).getOrDefault("condition", "service_started"))));
            }
            return dependencies;
        }

        /** The healthcheck's {@code test}, e.g. {@code [CMD, wget, ...]}; empty without one. */
        List<String> healthcheck() {
            return strings(map(yaml.get("healthcheck")).get("test"));
        }
    }

    private final Path file;
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final List<String> setupSteps = new ArrayList<>();

    private ComposeFile(Path file, String text) {
        this.file = file;
        map(map(new Load(LoadSettings.builder().build()).loadFromString(text)).get("services"))
                .forEach((name, yaml) -> services.put(name, new Service(name, map(yaml))));
        for (String line : text.lines().toList()) {
            if (!line.startsWith("#")) {
                break;
            }
            if (line.startsWith("#   ")) {
                setupSteps.add(line.substring(4).strip());
            }
        }
    }

    static ComposeFile read(Path file) {
        try {
            return new ComposeFile(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory relative paths in the file start from. */
    Path directory() {
        return file.toAbsolutePath().getParent();
    }

    /** In file order. */
    Map<String, Service> services() {
        return services;
    }

    Service service(String name) {
        Service service = services.get(name);
        if (service == null) {
            throw new AssertionError("no service " + name + " in " + file);
        }
        return service;
    }

    /** The header's indented command lines: what an operator runs, in order, before and to start the services. */
    List<String> setupSteps() {
        return setupSteps;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object yaml) {
        return yaml instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static List<String> strings(Object yaml) {
        List<String> strings = new ArrayList<>();
        if (yaml instanceof List<?> list) {
            list.forEach(item -> strings.add(String.valueOf(item)));
        }
        return strings;
    }
}
