package org.opencloud.discovery.bench;

import org.opencloud.discovery.interop.JavaCommand;
import org.opencloud.discovery.interop.ProjectPaths;

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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A benchmarked node in a JVM of its own, as an operator runs it ({@code Main run} in the project's directory,
 * configured by environment variables only, on this JVM's java), and its CPU time read from the OS. The e2e
 * package's node process is not visible from here; this one keeps to what the benchmark needs.
 */
final class NodeJvm implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** {@code /proc/<pid>/stat} counts CPU in clock ticks: USER_HZ, 100 on Linux (sysconf(_SC_CLK_TCK)). */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final String name;
    private final Process process;
    private final Path log;
    private final int managementPort;

    /** Starts {@code Main run} with {@code properties} as environment variables ({@code oc.data-dir}: OC_DATA_DIR). */
    NodeJvm(String name, Map<String, String> properties, Path log) throws IOException {
        this.name = name;
        this.log = log;
        this.managementPort = BenchCluster.freePort();
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));
        // e.g. -Dbench.node-jvm-options=-XX:StartFlightRecording=filename=node.jfr,settings=profile (in the node's home)
        String extra = System.getProperty("bench.node-jvm-options", "").replace("{name}", name);
        if (!extra.isBlank()) {
            jvmOptions.addAll(List.of(extra.trim().split("\\s+")));
        }
        ProcessBuilder builder = new ProcessBuilder(JavaCommand.of("org.opencloud.discovery.Main",
                jvmOptions, List.of("run")))
                .directory(ProjectPaths.root().toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("OC_") || key.startsWith("CAMEL_"));
        properties.forEach((key, value) -> builder.environment().put(variable(key), value));
        builder.environment().put("CAMEL_MANAGEMENT_ENABLED", "true");
        builder.environment().put("CAMEL_MANAGEMENT_HOST", "127.0.0.1");
        builder.environment().put("CAMEL_MANAGEMENT_PORT", String.valueOf(managementPort));
        process = builder.start();
    }

    /** The environment variable an operator sets for a property: {@code camel.main.name} is CAMEL_MAIN_NAME. */
    static String variable(String property) {
        return property.replaceAll("[.-]", "_").toUpperCase(Locale.ROOT);
    }

    /** Until its readiness is UP (with it, its NATS intake subscribed). */
    void awaitReady() throws InterruptedException {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/observe/health/ready")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " (log: " + log + ")");
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // its management server is not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready within " + START + " (log: " + log + ")");
    }

    /** The process's CPU time so far, user and system, all threads: utime + stime of {@code /proc/<pid>/stat}. */
    long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            // the command name (field 2) may hold spaces: count the fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
        } catch (IOException e) {
            throw new UncheckedIOException(name + " has no /proc entry", e);
        }
    }

    /** SIGTERM, as an operator stops a node; SIGKILL if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
