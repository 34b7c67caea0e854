package org.opencloud.discovery.e2e;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.ERRORS;
import static org.opencloud.discovery.e2e.NodeFixture.assertNothing;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * Spec 5: a partner that is down does not hold up the others for the message at hand; its failure is
 * retried, then reported for it alone. (The next message waits for those retries: delivery keeps each
 * partner's messages in order, see the report of the e2e branch.)
 */
class DownPartnerTest {
    private static final String RESOURCE = "{\"id\":\"proc-42\",\"image\":\"alpine\"}";
    /** Retries with backoff from 400 ms: 400 + 800 + 1600 ms before the failure is reported. */
    private static final Duration RETRY_TIME = Duration.ofMillis(2800);

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;
    private static NodeFixture c;
    private static String downPeerId;

    @BeforeAll
    static void startNodes() throws Exception {
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")))
                .set("oc.delivery.retries", "3").set("oc.delivery.retry-delay-ms", "400");
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")));
        c = new NodeFixture("node-c", Files.createDirectories(dir.resolve("c")));
        downPeerId = PrivateKey.generate().peerId().toString();
        String closedPort = "/ip4/127.0.0.1/tcp/" + NodeFixture.freePort() + "/p2p/" + downPeerId;
        a.peers(List.of(peerJson(b.peerId(), b.address(), "PARTNER"), peerJson(downPeerId, closedPort, "PARTNER"),
                peerJson(c.peerId(), c.address(), "PARTNER"))).start();
        b.partners(a).start();
        c.partners(a).start();
    }

    @AfterAll
    static void stopNodes() throws Exception {
        NodeFixture.closeAll(a, b, c);
    }

    @Test
    void livePartnersGetTheMessageBeforeTheDownOneIsReported() {
        Subscription onB = b.subscribe("CREATE_RESOURCE");
        Subscription onC = c.subscribe("CREATE_RESOURCE");
        Subscription errors = a.subscribe(ERRORS);
        long published = System.nanoTime();

        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "PROCESSING_RESOURCE", RESOURCE, false));

        assertEquals(json(RESOURCE), decodedPayload(json(next(onB)).get("Payload")));
        assertEquals(json(RESOURCE), decodedPayload(json(next(onC)).get("Payload")));
        Duration liveDelivered = Duration.ofNanos(System.nanoTime() - published);
        assertTrue(liveDelivered.compareTo(RETRY_TIME) < 0, "B and C waited for the down partner: " + liveDelivered);

        Message failure = next(errors);
        Duration reported = Duration.ofNanos(System.nanoTime() - published);
        assertTrue(reported.compareTo(RETRY_TIME) >= 0, "reported before the retries were over: " + reported);
        assertEquals("UNDELIVERED", failure.getHeaders().getFirst("OcErrorReason"));
        assertEquals(downPeerId, failure.getHeaders().getFirst("OcErrorPeers"));
        assertEquals(json(RESOURCE), decodedPayload(json(failure).get("payload")), "the undelivered event is kept");
        assertNothing(errors, Duration.ofSeconds(1));
        assertEquals(1, delivered(b.peerId()), "B's delivery counted");
        assertEquals(1, delivered(c.peerId()), "C's delivery counted");
        assertEquals(0, delivered(downPeerId), "the undelivered one is not counted as delivered");
        assertEquals(1, registry().counter("oc.delivery.undelivered", "peer", downPeerId).count());
    }

    /** A's count of events delivered to {@code peer} (oc_events_out_total). */
    private static double delivered(String peer) {
        return registry().find("oc.events.out").tag("peer", peer).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static MeterRegistry registry() {
        return a.node().context().getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
    }
}
