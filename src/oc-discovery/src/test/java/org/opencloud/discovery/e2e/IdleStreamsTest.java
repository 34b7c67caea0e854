package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.interop.JsPeer;
import org.opencloud.discovery.interop.RequiresTools;
import org.opencloud.discovery.p2p.host.Connection;
import org.opencloud.discovery.p2p.host.Host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;

/**
 * Issue 10, item 2 (idle streams): a partner (so the stream gate admits it) opens 2,000 streams and
 * never writes. Those beyond the per-connection limit are refused at once; the others are reset after
 * the stream idle timeout instead of being held open indefinitely.
 */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class IdleStreamsTest {
    private static final String CREATE = "/opencloud/resource/create/1.0";
    private static final int STREAMS = 2000;

    @TempDir
    static Path dir;
    private static JsPeer partner;
    private static NodeFixture a;

    @BeforeAll
    static void start() {
        partner = JsPeer.peer().start();
        a = new NodeFixture("node-a", dir).peers(List.of(peerJson(partner.peerId(), partner.addrs().get(0), "PARTNER")))
                .set("camel.component.libp2p.streamIdleTimeout", "2s")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a, partner);
    }

    @Test
    void streamsOpenedAndNeverWrittenAreResetAfterTheIdleTimeout() {
        Host host = a.node().host();
        long resetBefore = host.idleStreamsReset();
        MemorySnapshot before = MemorySnapshot.take();

        JsonNode outcome = partner.command(Map.of("cmd", "openIdle", "to", a.address(), "protocol", CREATE,
                "streams", STREAMS, "timeoutMs", 60_000), Duration.ofSeconds(70));

        MemorySnapshot after = MemorySnapshot.take();
        System.out.printf("openIdle %s%nbefore %s%nafter  %s%n", outcome, before, after);
        assertEquals(STREAMS, outcome.path("reset").asInt() + outcome.path("unopened").asInt(),
                "every stream ended, none held open: " + outcome);
        long idleReset = host.idleStreamsReset() - resetBefore;
        assertTrue(idleReset >= 1 && idleReset <= host.config().maxStreamsPerConnection(), idleReset + " reset as idle");
        assertEquals(outcome.path("reset").asInt(), idleReset, "each stream that opened was reset as idle");
        assertEquals(0, host.connections().stream().mapToInt(Connection::streamCount).sum(), "no stream left open");
    }
}
