package org.opencloud.discovery.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself, js peer against js peer, before any Java peer relies on it. */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class JsPeerHarnessTest {
    private static final String CREATE = "/opencloud/resource/create/1.0";
    private static final String ECHO = "/echo/1.0";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Non-ASCII and JSON metacharacters: recv must report exactly these UTF-8 bytes. */
    private static final String MESSAGE = "{\"name\":\"r1\",\"note\":\"grüße ✓ \\\"quoted\\\"\\n\"}";

    @TempDir
    Path dir;

    @BeforeEach
    void install() {
        JsPeer.install();
    }

    @Test
    void peersExchangeMessageEchoAndPing() {
        try (JsPeer a = JsPeer.peer().handle(CREATE).echo(ECHO).verbose().start();
             JsPeer b = JsPeer.peer().start()) {
            assertExchange(a, b);
            assertEquals(b.peerId(), a.awaitEvent("connect", TIMEOUT).path("peer").asText());
        }
    }

    @Test
    void peersExchangeInPrivateNetwork() {
        Path swarmKey = dir.resolve("swarm.key");
        JsonNode psk = JsPeer.genPsk(swarmKey);
        assertTrue(psk.path("created").asBoolean(), psk::toString);
        assertTrue(psk.path("fingerprint").asText().matches("[0-9a-f]{16}"), psk::toString);
        Path keyA = dir.resolve("a.key");
        JsonNode identityA = JsPeer.genKey(keyA);
        assertEquals("Ed25519", identityA.path("type").asText());

        try (JsPeer a = JsPeer.peer().key(keyA).psk(swarmKey).handle(CREATE).echo(ECHO).start();
             JsPeer b = JsPeer.peer().psk(swarmKey).start()) {
            assertEquals(identityA.path("peerId").asText(), a.peerId());
            assertExchange(a, b);
        }
    }

    @Test
    void peerOutsidePrivateNetworkCannotSend() {
        Path swarmKey = dir.resolve("swarm.key");
        JsPeer.genPsk(swarmKey);
        try (JsPeer a = JsPeer.peer().psk(swarmKey).handle(CREATE).start();
             JsPeer outsider = JsPeer.peer().start()) {
            outsider.send(Map.of("cmd", "send", "to", a.addrs().get(0), "protocol", CREATE, "data", MESSAGE,
                    "timeoutMs", 5000));
            JsonNode outcome = outsider.awaitEvent(e -> e.path("event").asText().matches("sent|error"), TIMEOUT);
            assertEquals("error", outcome.path("event").asText(), outcome::toString);
        }
    }

    /** b sends MESSAGE to a's handler, gets it echoed back, and pings a. */
    private static void assertExchange(JsPeer a, JsPeer b) {
        String to = a.addrs().get(0);
        assertTrue(to.endsWith("/p2p/" + a.peerId()), to);
        int messageBytes = MESSAGE.getBytes(StandardCharsets.UTF_8).length;

        JsonNode sent = b.command(Map.of("cmd", "send", "to", to, "protocol", CREATE, "data", MESSAGE), TIMEOUT);
        assertEquals(messageBytes, sent.path("bytes").asInt());
        JsonNode recv = a.awaitEvent("recv", TIMEOUT);
        assertEquals(CREATE, recv.path("protocol").asText());
        assertEquals(b.peerId(), recv.path("from").asText());
        assertEquals(messageBytes, recv.path("bytes").asInt());
        assertEquals(MESSAGE, recv.path("data").asText());

        JsonNode echo = b.command(Map.of("cmd", "send", "to", to, "protocol", ECHO, "data", MESSAGE, "read", true), TIMEOUT);
        assertEquals(MESSAGE, echo.path("reply").asText());
        assertTrue(echo.path("reusedConnection").asBoolean(), "second send reuses the first connection");
        assertEquals(messageBytes, a.awaitEvent("echoed", TIMEOUT).path("bytes").asInt());

        JsonNode ping = b.command(Map.of("cmd", "ping", "to", to), TIMEOUT);
        assertTrue(ping.path("ms").asDouble() >= 0 && ping.path("totalMs").asDouble() > 0, ping::toString);
    }
}
