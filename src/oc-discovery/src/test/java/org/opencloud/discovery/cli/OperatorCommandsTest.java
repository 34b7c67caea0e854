package org.opencloud.discovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.interop.Interop;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.pnet.SwarmKey;

/** The operator commands in-process, as an operator would run them with {@code --json}. */
class OperatorCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Runs one command to completion; returns its exit code and the JSON lines it printed. */
    private record Run(int exit, List<JsonNode> events) {
        JsonNode only() {
            assertEquals(1, events.size(), events::toString);
            return events.get(0);
        }
    }

    private static Run run(String... args) {
        return runIn(System.getenv(), args);
    }

    /** Runs one command with {@code environment} as the process's environment. */
    private static Run runIn(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new OperatorCommands(new PrintStream(out, true, StandardCharsets.UTF_8), environment)
                .execute(List.of(args));
        List<JsonNode> events = out.toString(StandardCharsets.UTF_8).lines().map(OperatorCommandsTest::parse).toList();
        return new Run(exit, events);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void keygenWritesAPrivateKeyFileAndRefusesToOverwriteWithoutForce() throws IOException {
        Path file = dir.resolve("node.key");
        JsonNode created = run("keygen", file.toString(), "--json").only();
        assertEquals("Ed25519", created.path("type").asText());
        assertTrue(created.path("peerId").asText().startsWith("12D3KooW"), created::toString);
        assertEquals("rw-------", mode(file));
        assertEquals(created.path("peerId").asText(), KeyFiles.readIdentity(file).peerId().toString());

        JsonNode shown = run("peerid", file.toString(), "--json").only();
        assertEquals(created.path("peerId").asText(), shown.path("peerId").asText());

        Run refused = run("keygen", file.toString(), "--json");
        assertEquals(1, refused.exit());
        assertTrue(refused.only().path("error").asText().contains("use --force"), refused.events()::toString);
        assertEquals(created.path("peerId").asText(), KeyFiles.readIdentity(file).peerId().toString(), "file untouched");

        JsonNode replaced = run("keygen", file.toString(), "--force", "--json").only();
        assertNotEquals(created.path("peerId").asText(), replaced.path("peerId").asText());
        assertEquals("rw-------", mode(file));
    }

    @Test
    void swarmkeyWritesAPrivateFileWithItsFingerprintAndRefusesToOverwrite() throws IOException {
        Path file = dir.resolve("swarm.key");
        JsonNode created = run("swarmkey", file.toString(), "--json").only();
        assertEquals(SwarmKey.read(file).fingerprint(), created.path("fingerprint").asText());
        assertEquals("rw-------", mode(file));
        Run refused = run("swarmkey", file.toString(), "--json");
        assertEquals(1, refused.exit());
        assertEquals(created.path("fingerprint").asText(), SwarmKey.read(file).fingerprint(), "file untouched");
        assertEquals(0, run("swarmkey", file.toString(), "--force", "--json").exit());
    }

    @Test
    void sendAndPingReachAListenInAPrivateNetwork() throws Exception {
        Path psk = dir.resolve("swarm.key");
        assertEquals(0, run("swarmkey", psk.toString(), "--json").exit());
        BlockingQueue<JsonNode> listenEvents = new LinkedBlockingQueue<>();
        AtomicInteger listenExit = new AtomicInteger(-1);
        PrintStream listenOut = new PrintStream(new LineSink(line -> listenEvents.add(parse(line))), true, StandardCharsets.UTF_8);
        Thread listen = new Thread(() -> listenExit.set(new OperatorCommands(listenOut).execute(List.of("listen",
                Interop.CREATE, "--echo", Interop.ECHO, "--psk", psk.toString(), "--key", dir.resolve("l.key").toString(),
                "--json"))), "listen-command");
        listen.start();
        InputStream stdin = System.in;
        try {
            JsonNode ready = listenEvents.poll(30, TimeUnit.SECONDS);
            assertEquals("ready", ready.path("event").asText(), String.valueOf(ready));
            String to = ready.path("addrs").get(0).asText();

            System.setIn(new ByteArrayInputStream(Interop.MESSAGE.getBytes(StandardCharsets.UTF_8)));
            JsonNode sent = run("send", to, Interop.CREATE, "--psk", psk.toString(), "--json").only();
            assertEquals("sent", sent.path("event").asText(), sent::toString);
            JsonNode recv = listenEvents.poll(30, TimeUnit.SECONDS);
            assertEquals("recv", recv.path("event").asText(), String.valueOf(recv));
            assertEquals(Interop.MESSAGE, recv.path("data").asText());

            System.setIn(new ByteArrayInputStream("echo ✓".getBytes(StandardCharsets.UTF_8)));
            JsonNode echoed = run("send", to, Interop.ECHO, "--read", "--psk", psk.toString(), "--json").only();
            assertEquals("echo ✓", echoed.path("reply").asText());

            Run ping = run("ping", to, "--count", "2", "--psk", psk.toString(), "--json");
            assertEquals(0, ping.exit());
            assertEquals(2, ping.events().size(), ping.events()::toString);
            assertTrue(ping.events().stream().allMatch(e -> e.path("ms").asDouble() > 0), ping.events()::toString);

            Run outsider = run("ping", to, "--json");
            assertEquals(1, outsider.exit(), "a peer without the swarm.key cannot ping");
        } finally {
            System.setIn(stdin);
            listen.interrupt();
            listen.join(10_000);
        }
        assertEquals(0, listenExit.get(), "listen stops cleanly when interrupted");
    }

    @Test
    void healthExitsZeroOnlyWhileTheReadinessAnswers200() throws IOException {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(OperatorCommands.READINESS_PATH, exchange -> {
            byte[] body = (status.get() == 200 ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        try {
            // where the node's environment puts its management server; 0.0.0.0 is asked on the loopback
            Map<String, String> node = Map.of("CAMEL_MANAGEMENT_HOST", "0.0.0.0", "CAMEL_MANAGEMENT_PORT", "" + port);
            JsonNode up = runIn(node, "health", "--json").only();
            assertEquals("http://127.0.0.1:" + port + "/observe/health/ready", up.path("url").asText());
            assertTrue(up.path("ready").asBoolean(), up::toString);
            assertEquals(0, runIn(node, "health", "--json").exit());
            assertEquals(0, runIn(Map.of(), "health", "http://127.0.0.1:" + port + "/observe/health/ready", "--json").exit());

            status.set(503);
            Run down = runIn(node, "health", "--json");
            assertEquals(1, down.exit());
            assertEquals(503, down.only().path("status").asInt(), down.events()::toString);
        } finally {
            server.stop(0);
        }
        Run unreachable = runIn(Map.of("CAMEL_MANAGEMENT_PORT", "" + port), "health", "--timeout", "2", "--json");
        assertEquals(1, unreachable.exit(), "nothing listens any more");
        assertTrue(unreachable.only().has("error"), unreachable.events()::toString);
    }

    /** An output stream that hands each complete UTF-8 line to a consumer. */
    private static final class LineSink extends OutputStream {
        private final java.util.function.Consumer<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineSink(java.util.function.Consumer<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.accept(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
