package org.opencloud.discovery.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A nats-server in a process of its own, on a fixed loopback port: with JetStream, its store directory stays
 * between {@link #stop()} and {@link #start()}, so a restart keeps its streams and consumers as an operator's
 * server does (NatsServerRunner picks a new store directory each time).
 */
final class NatsServerProcess implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Path dir;
    private final boolean jetStream;
    private final int port;
    private final int monitorPort;
    private Process process;

    /** A server with JetStream ({@code -js}) when {@code jetStream}, its store and log under {@code dir}; not started. */
    NatsServerProcess(Path dir, boolean jetStream) throws IOException {
        this.dir = dir;
        this.jetStream = jetStream;
        this.port = NodeFixture.freePort();
        this.monitorPort = NodeFixture.freePort();
    }

    /** Starts the server and returns once it answers {@code /healthz} (with JetStream: once JetStream is up). */
    NatsServerProcess start() {
        List<String> command = new ArrayList<>(List.of("nats-server", "-a", "127.0.0.1", "-p", String.valueOf(port),
                "-m", String.valueOf(monitorPort)));
        if (jetStream) {
            command.addAll(List.of("-js", "-sd", dir.resolve("store").toString()));
        }
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nats-server.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nats-server", e);
        }
        HttpRequest healthz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + "/healthz"))
                .timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (HTTP.send(healthz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            NodeFixture.sleep(Duration.ofMillis(50));
        }
        throw new IllegalStateException("nats-server on port " + port + " not healthy within " + START
                + " (log: " + dir.resolve("nats-server.log") + ")");
    }

    /** Stops the server as an operator does (SIGTERM: it writes its store and closes the connections). */
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
