package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.interop.JsPeer;
import org.opencloud.discovery.interop.RequiresTools;
import org.opencloud.discovery.p2p.host.Host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.assertNothing;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;

/**
 * Issue 10, item 1: a stranger that may connect (not a partner) opens 200 streams, each writing up to
 * 4 MiB of creates. The node refuses each at its opening, so it buffers none of them, and a partner's
 * 1 MiB event sent meanwhile is delivered. Both peers are js-libp2p processes: what the JVM holds is
 * the node's.
 */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class StrangerFloodTest {
    private static final String CREATE = "/opencloud/resource/create/1.0";
    private static final int STREAMS = 200;
    private static final int BYTES_PER_STREAM = 4 << 20;
    /** Generous beside what an unguarded node took (775 MiB for this attack), far above what a few frames cost. */
    private static final long MEMORY_BOUND = 64L << 20;
    private static final Duration ATTACK = Duration.ofMinutes(3);

    @TempDir
    static Path dir;
    private static JsPeer partner;
    private static JsPeer stranger;
    private static NodeFixture a;
    private static NodeFixture withBackoff;

    @BeforeAll
    static void start() throws Exception {
        partner = JsPeer.peer().start();
        stranger = JsPeer.peer().start();
        a = NodeFixture.withoutNats("node-a", dir).natsConfig("max_payload: 8MB").startNats() // the 1 MiB event, base64
                .peers(List.of(peerJson(partner.peerId(), partner.addrs().get(0), "PARTNER")))
                // every stream reaches the gate: no back-off cuts the attack short
                .set("camel.component.libp2p.streamRefusalsBeforeBackoff", String.valueOf(10 * STREAMS))
                .start();
        withBackoff = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b"))).peers(List.of()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a, withBackoff, partner, stranger);
    }

    @Test
    void aStrangerFloodingStreamsIsResetUnreadAndAPartnerStillDelivers() {
        Host host = a.node().host();
        Subscription anything = a.subscribe(">");
        long refusedBefore = host.refusedStreams();
        MemorySnapshot before = MemorySnapshot.take();

        try (MemorySnapshot.Peak peak = MemorySnapshot.watchPeak()) {
            stranger.send(Map.of("cmd", "flood", "to", a.address(), "protocol", CREATE, "streams", STREAMS,
                    "concurrency", 50, "bytes", BYTES_PER_STREAM, "timeoutMs", ATTACK.toMillis()));
            String big = "x".repeat(1 << 20);
            partner.command(Map.of("cmd", "send", "to", a.address(), "protocol", CREATE, "data",
                    "{\"type\":\"PB_CREATE\",\"from\":\"" + partner.peerId() + "\",\"datatype\":\"DATA_RESOURCE\","
                            + "\"payload\":{\"id\":\"during-the-flood\",\"blob\":\"" + big + "\"}}\n",
                    "timeoutMs", 60_000), ATTACK);
            JsonNode delivered = decodedPayload(json(next(anything)).get("Payload"));
            assertEquals("during-the-flood", delivered.get("id").asText());
            assertEquals(big.length(), delivered.get("blob").asText().length(), "the partner's 1 MiB event whole");

            JsonNode flood = stranger.awaitEvent(e -> "flood".equals(e.path("event").asText())
                    || "error".equals(e.path("event").asText()), ATTACK.plusSeconds(10));
            MemorySnapshot after = MemorySnapshot.take();
            System.out.printf("flood %s%nbefore %s%npeak   %s%nafter  %s%n", flood, before, peak.max(), after);

            assertEquals("flood", flood.path("event").asText(), flood.toString());
            assertEquals(0, flood.path("completed").asInt(), "no stream of the stranger went through: " + flood);
            assertEquals(STREAMS, host.refusedStreams() - refusedBefore, "each stream reset by the gate");
            assertNothing(anything, Duration.ofMillis(500)); // the partner's event only
            assertTrue(peak.max().direct() - before.direct() < MEMORY_BOUND,
                    () -> "direct memory grew from " + before + " to a peak of " + peak.max());
            assertTrue(after.heapAfterGc() - before.heapAfterGc() < MEMORY_BOUND,
                    () -> "heap after GC grew from " + before + " to " + after);
        }
        anything.unsubscribe();
    }

    @Test
    void withTheDefaultsTheFloodingStrangerIsDisconnectedAndBackedOff() {
        Host host = withBackoff.node().host();
        long refusedBefore = host.refusedStreams();

        JsonNode flood = stranger.command(Map.of("cmd", "flood", "to", withBackoff.address(), "protocol", CREATE,
                "streams", STREAMS, "concurrency", 50, "bytes", BYTES_PER_STREAM, "timeoutMs", ATTACK.toMillis()), ATTACK);

        assertEquals(0, flood.path("completed").asInt(), flood.toString());
        assertEquals(STREAMS, flood.path("reset").asInt() + flood.path("unopened").asInt(), flood.toString());
        assertEquals(1, host.peerBackoffs(), "backed off once, after 10 refusals: " + flood);
        long refused = host.refusedStreams() - refusedBefore;
        assertTrue(refused >= 10 && refused < STREAMS, refused + " streams reached the gate");
        assertTrue(flood.path("unopened").asInt() > 0, "streams after the back-off could not even open: " + flood);
        assertFalse(host.connectedPeers().stream().anyMatch(p -> p.toString().equals(stranger.peerId())));
    }
}
