package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.opencloud.discovery.e2e.NodeFixture.APP_NAME;
import static org.opencloud.discovery.e2e.NodeFixture.ERRORS;
import static org.opencloud.discovery.e2e.NodeFixture.assertNothing;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * PB_PLANNER events go to the peer their payload names on one kept planner stream, and the receiver publishes
 * them for its own apps as it does considers; PB_CLOSE_PLANNER closes that stream (the next event opens a new
 * one), and closing one that is not open is a logged no-op, not an error.
 */
class PlannerStreamTest {
    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;

    @BeforeAll
    static void start() throws Exception {
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")))
                .set("oc.delivery.retries", "2").set("oc.delivery.retry-delay-ms", "100");
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b"))).partners(a).start();
        a.partners(b).start();
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a, b);
    }

    @Test
    void plannerEventsReachTheNamedPeerAcrossACloseAndAnUnknownCloseIsNoError() {
        Subscription onB = b.subscribe("PROPALGATION_EVENT");
        Subscription errorsOnA = a.subscribe(ERRORS);
        plan("PB_PLANNER", b.peerId(), "step-1");
        plan("PB_PLANNER", b.peerId(), "step-2");
        assertPlanned(onB, "step-1");
        assertPlanned(onB, "step-2");

        plan("PB_CLOSE_PLANNER", b.peerId(), null);
        plan("PB_CLOSE_PLANNER", PrivateKey.generate().peerId().toString(), null);
        plan("PB_PLANNER", b.peerId(), "step-3");
        assertPlanned(onB, "step-3");
        assertNothing(errorsOnA, Duration.ofSeconds(1));
    }

    @Test
    void aPlannerEventItsPeerNeverTakesIsKeptAsUndeliveredAfterTheRetriesAndTheNextOneFlows() {
        Subscription onB = b.subscribe("PROPALGATION_EVENT");
        Subscription errorsOnA = a.subscribe(ERRORS);
        String nowhere = PrivateKey.generate().peerId().toString(); // no address anywhere

        plan("PB_PLANNER", nowhere, "lost-step");
        plan("PB_PLANNER", b.peerId(), "next-step");

        var failure = next(errorsOnA);
        assertEquals("UNDELIVERED", failure.getHeaders().getFirst("OcErrorReason"));
        assertEquals(nowhere, failure.getHeaders().getFirst("OcErrorPeer"));
        assertEquals("lost-step", decodedPayload(json(failure).path("payload")).path("step").asText(),
                "the undelivered event is kept");
        assertPlanned(onB, "next-step");
    }

    private static void plan(String action, String peer, String step) {
        var payload = NodeFixture.JSON.createObjectNode().put("peer_id", peer);
        if (step != null) {
            payload.put("step", step);
        }
        a.publish("PROPALGATION_EVENT", propagationEvent("planner-app", action, "WORKFLOW_EXECUTION",
                payload.toString(), false));
    }

    /** B publishes the event as a PB_PLANNER PROPALGATION_EVENT of its own (so it never sends it on). */
    private static void assertPlanned(Subscription onB, String step) {
        JsonNode envelope = json(next(onB));
        assertEquals(APP_NAME, envelope.path("FromApp").asText());
        JsonNode message = decodedPayload(envelope.path("Payload"));
        assertEquals(7, message.path("Action").asInt(), "PB_PLANNER as oc-lib numbers it: " + message);
        assertEquals(step, decodedPayload(message.path("Payload")).path("step").asText(), message::toString);
    }
}
