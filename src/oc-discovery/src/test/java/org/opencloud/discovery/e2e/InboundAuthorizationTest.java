package org.opencloud.discovery.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencloud.discovery.interop.JsPeer;
import org.opencloud.discovery.interop.RequiresTools;
import org.opencloud.discovery.propagation.security.Authorization;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.assertNothing;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;

/**
 * Spec 4: create/update/delete only from partners, refused when the stream opens (before the node reads
 * it); blacklisted peers refused at connection time.
 */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class InboundAuthorizationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;
    private static JsPeer known;
    private static JsPeer stranger;
    private static JsPeer blacklisted;
    private static NodeFixture a;
    private Subscription anythingOnA;
    private ListAppender<ILoggingEvent> refusalLog;

    @BeforeAll
    static void start() {
        known = JsPeer.peer().start();
        stranger = JsPeer.peer().start();
        blacklisted = JsPeer.peer().start();
        a = new NodeFixture("node-a", dir).peers(List.of(
                peerJson(known.peerId(), known.addrs().get(0), "NONE"),
                peerJson(blacklisted.peerId(), blacklisted.addrs().get(0), "BLACKLIST"))).start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {a, known, stranger, blacklisted}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @BeforeEach
    void watch() {
        anythingOnA = a.subscribe(">");
        refusalLog = new ListAppender<>();
        refusalLog.start();
        ((Logger) LoggerFactory.getLogger(Authorization.class)).addAppender(refusalLog);
    }

    @AfterEach
    void unwatch() {
        ((Logger) LoggerFactory.getLogger(Authorization.class)).detachAppender(refusalLog);
        anythingOnA.unsubscribe();
    }

    @ParameterizedTest(name = "{0} from a known peer that is not a partner")
    @ValueSource(strings = {"create", "update", "delete"})
    void knownNonPartnerIsRefused(String action) {
        long before = refusals("NOT_PARTNER");
        long refusedStreams = a.node().host().refusedStreams();

        JsonNode outcome = attempt(known, action);

        assertEquals("error", outcome.get("event").asText(), "the sender sees its stream reset: " + outcome);
        assertNothing(anythingOnA, Duration.ofMillis(500));
        assertEquals(refusedStreams + 1, a.node().host().refusedStreams(), "refused by the stream gate, unread");
        assertEquals(before + 1, refusals("NOT_PARTNER")); // logged at most once a second per reason (RateLimitedLogTest)
    }

    @Test
    void unknownPeerIsRefused() {
        long before = refusals("UNKNOWN_PEER");
        long refusedStreams = a.node().host().refusedStreams();

        JsonNode outcome = attempt(stranger, "create");

        assertEquals("error", outcome.get("event").asText(), "the sender sees its stream reset: " + outcome);
        assertNothing(anythingOnA, Duration.ofMillis(500));
        assertEquals(refusedStreams + 1, a.node().host().refusedStreams(), "refused by the stream gate, unread");
        assertEquals(before + 1, refusals("UNKNOWN_PEER"));
        assertLogged("UNKNOWN_PEER", stranger.peerId());
    }

    @Test
    void blacklistedPeerIsRefusedAtConnection() {
        long refusedConnections = a.node().host().refusedPeers();

        JsonNode outcome = attempt(blacklisted, "create");

        assertEquals("error", outcome.get("event").asText(), "the connection is refused: " + outcome);
        assertNothing(anythingOnA, Duration.ofMillis(500));
        assertTrue(a.node().host().refusedPeers() > refusedConnections, "the host counted the refused connection");
        assertTrue(refusals("BLACKLISTED") >= 1);
        assertLogged("BLACKLISTED", blacklisted.peerId());
    }

    /** Sends a create/update/delete event to A and returns the sender's outcome, sent or error. */
    private static JsonNode attempt(JsPeer sender, String action) {
        String event = "{\"type\":\"PB_" + action.toUpperCase() + "\",\"from\":\"" + sender.peerId()
                + "\",\"datatype\":\"DATA_RESOURCE\",\"payload\":{\"id\":\"intruder\"}}\n";
        sender.send(Map.of("cmd", "send", "to", a.address(), "protocol", "/opencloud/resource/" + action + "/1.0",
                "data", event, "read", true));
        return sender.awaitEvent(e -> "sent".equals(e.path("event").asText())
                || ("error".equals(e.path("event").asText()) && "send".equals(e.path("cmd").asText())), WAIT);
    }

    private static long refusals(String reason) {
        Authorization authorization = a.node().context().getRegistry().lookupByNameAndType("authorization", Authorization.class);
        return authorization.getRefusalCounts().get(reason);
    }

    private void assertLogged(String reason, String peerId) {
        assertTrue(refusalLog.list.stream().anyMatch(e -> e.getFormattedMessage().contains(peerId)
                && e.getFormattedMessage().contains(reason)), () -> "no refusal logged: " + refusalLog.list);
    }
}
