package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.opencloud.discovery.interop.JavaCommand;
import org.opencloud.discovery.interop.ProjectPaths;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.pnet.SwarmKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node in a JVM of its own, as an operator runs it: {@code Main run [FILE]} in a working directory holding
 * {@code routes/} and {@code config/} (by default the project's), configured by environment variables only
 * (none of this JVM's {@code OC_*} or {@code CAMEL_*} variables leak in), its output in a log file. Readiness
 * is read from its management server, which the environment must turn on ({@code CAMEL_MANAGEMENT_*}; on the
 * loopback unless {@code CAMEL_MANAGEMENT_HOST} names an address).
 */
final class NodeProcess implements AutoCloseable {
    static final Duration START = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final String managementHost;
    private final int managementPort;

    NodeProcess(String name, Map<String, String> environment, Path log, List<String> args) {
        this(name, ProjectPaths.root(), List.of(), environment, log, args);
    }

    NodeProcess(String name, Path workingDirectory, List<String> jvmOptions, Map<String, String> environment, Path log,
                List<String> args) {
        this.name = name;
        this.log = log;
        String host = environment.getOrDefault("CAMEL_MANAGEMENT_HOST", "0.0.0.0");
        this.managementHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        this.managementPort = Integer.parseInt(environment.getOrDefault("CAMEL_MANAGEMENT_PORT", "8080"));
        List<String> options = new ArrayList<>(List.of("-Xmx512m"));
        options.addAll(jvmOptions);
        ProcessBuilder builder = new ProcessBuilder(JavaCommand.of("org.opencloud.discovery.Main", options, args))
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("OC_") || key.startsWith("CAMEL_"));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name, e);
        }
    }

    /**
     * Everything a node needs, by environment variables, with its files in {@code dir}: {@code node.key},
     * {@code swarm.key} and {@code peers.json}, which the caller writes, and its data directory {@code data}.
     */
    static Map<String, String> environment(Path dir, String natsServers, int p2pPort) throws IOException {
        return Map.of(
                "OC_NATS_SERVERS", natsServers,
                "OC_DATA_DIR", dir.resolve("data").toString(),
                "OC_PEERS_FILE", dir.resolve("peers.json").toString(),
                "CAMEL_COMPONENT_LIBP2P_LISTENADDRESSES", "/ip4/127.0.0.1/tcp/" + p2pPort,
                "CAMEL_COMPONENT_LIBP2P_IDENTITYKEYFILE", dir.resolve("node.key").toString(),
                "CAMEL_COMPONENT_LIBP2P_SWARMKEYFILE", dir.resolve("swarm.key").toString(),
                "CAMEL_MAIN_ROUTESRELOADENABLED", "false",
                "CAMEL_MANAGEMENT_ENABLED", "true",
                "CAMEL_MANAGEMENT_PORT", String.valueOf(NodeFixture.freePort()));
    }

    /** {@link #environment} with a new identity key, a new swarm key and an empty peers file written in {@code dir}. */
    static Map<String, String> environmentWithNewFiles(Path dir, String natsServers, int p2pPort) throws IOException {
        KeyFiles.writePrivate(dir.resolve("node.key"), PrivateKey.generate().toProtobuf());
        SwarmKey.generate().write(dir.resolve("swarm.key"));
        Files.writeString(dir.resolve("peers.json"), "[]");
        return environment(dir, natsServers, p2pPort);
    }

    /** The check named {@code name} of a readiness report. */
    static JsonNode check(JsonNode report, String name) {
        for (JsonNode check : report.path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + report);
    }

    /** The node's process id, to look at what it holds in /proc. */
    long pid() {
        return process.pid();
    }

    int managementPort() {
        return managementPort;
    }

    /** Waits until the node's readiness is UP and returns its full report (checks with their details). */
    JsonNode awaitReady() {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full&data=true");
            if (ready != null && ready.statusCode() == 200) {
                return NodeFixture.json(ready.body());
            }
            NodeFixture.sleep(Duration.ofMillis(200));
        }
        throw new AssertionError(name + " not ready within " + START + ":\n" + logTail());
    }


    /** GET on the node's management server; null while nothing answers. */
    HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + managementHost + ":" + managementPort + path))
                .timeout(Duration.ofSeconds(5)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException notListeningYet) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One series of the node's Prometheus scrape ({@code oc_events_duplicate_total{peer="..."}}), 0 when absent. */
    double metric(String series) {
        HttpResponse<String> scrape = get("/observe/metrics");
        if (scrape == null || scrape.statusCode() != 200) {
            throw new AssertionError(name + " serves no metrics: " + (scrape == null ? "no answer" : scrape.statusCode()));
        }
        return series(scrape.body(), series);
    }

    /** One series of a Prometheus scrape, 0 when absent. */
    static double series(String scrape, String series) {
        Matcher value = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    /** The last lines of the node's output, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Waits for the node to end by itself; its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still runs after " + timeout + ":\n" + logTail());
        }
        return process.exitValue();
    }

    /** SIGKILL, as a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGTERM, as an orchestrator stops a node; SIGKILL if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
