package org.opencloud.discovery.e2e;

import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

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
 * Spec 5: a partner that is down holds up nobody, neither for the message at hand nor for the next one;
 * its failures are retried, then reported for it alone, one per message.
 */
class DownPartnerTest {
    private static final String RESOURCE = "{\"id\":\"proc-42\",\"image\":\"alpine\"}";
    private static final String NEXT_RESOURCE = "{\"id\":\"proc-42\",\"image\":\"alpine:3.20\"}";
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
        for (NodeFixture node : new NodeFixture[] {a, b, c}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void livePartnersGetMessagesBeforeTheDownOneIsReported() {
        Subscription onB = b.subscribe("CREATE_RESOURCE");
        Subscription onC = c.subscribe("CREATE_RESOURCE");
        Subscription errors = a.subscribe(ERRORS);
        long published = System.nanoTime();

        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "PROCESSING_RESOURCE", RESOURCE, false));
        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_UPDATE", "PROCESSING_RESOURCE", NEXT_RESOURCE, false));

        for (Subscription live : List.of(onB, onC)) {
            assertEquals(json(RESOURCE), decodedPayload(json(next(live)).get("Payload")));
            assertEquals(json(NEXT_RESOURCE), decodedPayload(json(next(live)).get("Payload")), "the next message too");
        }
        Duration liveDelivered = Duration.ofNanos(System.nanoTime() - published);
        assertTrue(liveDelivered.compareTo(RETRY_TIME) < 0, "B and C waited for the down partner: " + liveDelivered);

        List<Message> failures = List.of(next(errors), next(errors));
        Duration reported = Duration.ofNanos(System.nanoTime() - published);
        assertTrue(reported.compareTo(RETRY_TIME) >= 0, "reported before the retries were over: " + reported);
        for (Message failure : failures) {
            assertEquals("UNDELIVERED", failure.getHeaders().getFirst("OcErrorReason"));
            assertEquals(downPeerId, failure.getHeaders().getFirst("OcErrorPeer"));
        }
        assertEquals(Set.of(json(RESOURCE), json(NEXT_RESOURCE)),
                Set.of(decodedPayload(json(failures.get(0)).get("payload")), decodedPayload(json(failures.get(1)).get("payload"))),
                "each undelivered event is kept, once");
        assertNothing(errors, Duration.ofSeconds(1));
    }
}
