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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.opencloud.discovery.e2e.NodeFixture.ERRORS;
import static org.opencloud.discovery.e2e.NodeFixture.assertNothing;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * Best effort (no JetStream), a burst of events larger than what Camel's schedulers and the node's own stream
 * limits take at once, to a live partner and one that is down: the live one gets every event, and every event
 * the down one never got is on the error path, none lost on the way.
 */
class BestEffortBurstTest {
    /** More than the 1,000 retries Camel's default redelivery scheduler queues: all wait 3 s at once. */
    private static final int EVENTS = 1500;

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;
    private static String downPeerId;

    @BeforeAll
    static void startNodes() throws Exception {
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")))
                .set("oc.delivery.retries", "1").set("oc.delivery.retry-delay-ms", "3000");
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")));
        downPeerId = PrivateKey.generate().peerId().toString();
        String closedPort = "/ip4/127.0.0.1/tcp/" + NodeFixture.freePort() + "/p2p/" + downPeerId;
        a.peers(List.of(peerJson(b.peerId(), b.address(), "PARTNER"), peerJson(downPeerId, closedPort, "PARTNER")))
                .start();
        b.partners(a).start();
    }

    @AfterAll
    static void stopNodes() throws Exception {
        NodeFixture.closeAll(a, b);
    }

    @Test
    void everyEventReachesTheLivePartnerOrTheErrorPath() {
        Subscription onB = b.subscribe("CREATE_RESOURCE");
        Subscription errors = a.subscribe(ERRORS);

        for (int i = 0; i < EVENTS; i++) {
            a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "PROCESSING_RESOURCE",
                    "{\"id\":\"burst-" + i + "\"}", false));
        }

        Set<String> received = new HashSet<>();
        for (int i = 0; i < EVENTS; i++) {
            received.add(decodedPayload(json(next(onB)).get("Payload")).get("id").asText());
        }
        assertEquals(EVENTS, received.size(), "B got each event once");
        Set<String> undelivered = new HashSet<>();
        for (int i = 0; i < EVENTS; i++) {
            Message failure = next(errors);
            assertEquals("UNDELIVERED", failure.getHeaders().getFirst("OcErrorReason"), () -> json(failure).toString());
            assertEquals(downPeerId, failure.getHeaders().getFirst("OcErrorPeers"));
            undelivered.add(decodedPayload(json(failure).get("payload")).get("id").asText());
        }
        assertEquals(received, undelivered, "each event the down partner did not get is on the error path");
        assertNothing(errors, Duration.ofSeconds(1));
    }
}
