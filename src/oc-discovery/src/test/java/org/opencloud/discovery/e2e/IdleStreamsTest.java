package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.interop.Interop;
import org.opencloud.discovery.interop.JsPeer;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.interop.RequiresTools;
import org.opencloud.discovery.p2p.host.Connection;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.mux.yamux.YamuxConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;

/**
 * Issue 10, item 2 (idle streams): a partner (so the stream gate admits it) opens 2,000 streams and
 * never writes. Those beyond the resource manager's limits (each holds its 256 KiB window: 32 MiB per peer)
 * are refused at once; the others are reset after the stream idle timeout instead of being held open
 * indefinitely, and what they held is released.
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
        long admitted = host.config().resourceLimits().peer().memory() / YamuxConfig.SPEC_INITIAL_WINDOW;
        int opened = outcome.path("reset").asInt();
        assertTrue(opened >= 1 && opened <= admitted, opened + " streams opened: each holds a 256 KiB window");
        // the node's own streams to the partner, stalled meanwhile, may be reset as idle too
        assertTrue(idleReset >= opened, idleReset + " reset as idle: each stream that opened");
        assertEquals(0, host.connections().stream().mapToInt(Connection::streamCount).sum(), "no stream left open");
        PeerId partnerId = PeerId.fromString(partner.peerId());
        Interop.awaitTrue(Duration.ofSeconds(10), "the partner's streams released",
                () -> host.resources().peerUsage(partnerId).streamsInbound() == 0
                        && host.resources().peerUsage(partnerId).memory() == 0);
    }
}
