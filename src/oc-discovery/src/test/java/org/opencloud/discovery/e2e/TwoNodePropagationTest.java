package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opencloud.discovery.camel.Libp2pHealthCheck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.APP_NAME;
import static org.opencloud.discovery.e2e.NodeFixture.assertNothing;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/** Spec section 1: what an app publishes on A's NATS reaches B's NATS through A and B, over libp2p. */
class TwoNodePropagationTest {
    private static final String RESOURCE = """
            {"id":"c0ffee00-0000-4000-8000-000000000001","name":"gpu-box","cpus":[{"model":"x86","cores":64}]}""";

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;

    @BeforeAll
    static void startNodes() throws Exception {
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")));
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")));
        a.partners(b).start();
        b.partners(a).start();
    }

    @AfterAll
    static void stopNodes() throws Exception {
        NodeFixture.closeAll(a, b);
    }

    @ParameterizedTest(name = "{0} as {2} payload arrives on {1}")
    @CsvSource({
            "PB_CREATE, CREATE_RESOURCE, inline",
            "PB_CREATE, CREATE_RESOURCE, base64",
            "PB_UPDATE, CREATE_RESOURCE, inline",
            "PB_UPDATE, CREATE_RESOURCE, base64",
            "PB_DELETE, REMOVE_RESOURCE, inline",
            "PB_DELETE, REMOVE_RESOURCE, base64"})
    void resourceActionReachesPartnerNats(String action, String subject, String form) {
        Subscription onB = b.subscribe(subject);

        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", action, "COMPUTE_RESOURCE", RESOURCE,
                form.equals("base64")));

        JsonNode received = json(next(onB));
        assertEquals(APP_NAME, received.get("FromApp").asText());
        assertEquals(4, received.get("Datatype").asInt(), "COMPUTE_RESOURCE as oc-lib numbers it");
        assertEquals("alice", received.get("User").asText());
        assertEquals(json(RESOURCE), decodedPayload(received.get("Payload")));
        onB.unsubscribe();
    }

    @Test
    void libp2pHealthCheckIsRegisteredAndUp() {
        // "full": every check's own result, not the aggregated one of the default exposure level
        HealthCheck.Result libp2p = HealthCheckHelper.invokeReadiness(a.node().context(), "full").stream()
                .filter(result -> result.getCheck().getId().equals(Libp2pHealthCheck.ID))
                .findFirst().orElseThrow(() -> new AssertionError("no " + Libp2pHealthCheck.ID + " health check"));
        assertEquals(HealthCheck.State.UP, libp2p.getState());
        assertEquals(a.peerId(), libp2p.getDetails().get("peerId"));
    }

    @Test
    void considersReachesNamedPeerAndIsNotSentOnAgain() {
        String considers = "{\"execution\":\"exec-7\",\"PeerIDs\":[\"" + b.peerId() + "\"]}";
        Subscription onB = b.subscribe("PROPALGATION_EVENT");
        NotifyBuilder bOutbound = new NotifyBuilder(b.node().context()).fromRoute("propagation-outbound")
                .whenDone(1).create();
        NotifyBuilder bDelivers = new NotifyBuilder(b.node().context()).fromRoute("deliver-considers")
                .whenDone(1).create();

        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CONSIDERS", "WORKFLOW_EXECUTION", considers, false));

        Message message = next(onB);
        JsonNode envelope = json(message);
        assertEquals(APP_NAME, envelope.get("FromApp").asText(), "stamped by B, which drops its own messages");
        JsonNode propagation = decodedPayload(envelope.get("Payload"));
        assertEquals(8, propagation.get("Action").asInt(), "PB_CONSIDERS as oc-lib numbers it");
        assertEquals(7, propagation.get("DataType").asInt(), "WORKFLOW_EXECUTION as oc-lib numbers it");
        assertEquals(json(considers), decodedPayload(propagation.get("Payload")));

        Subscription anythingOnA = a.subscribe(">");
        // B's NATS does not echo B's own publish to B; with JetStream, B's intake gets it from the stream and drops
        // it for its FromApp, as it drops anything under its own name (PropagationErrorsTest)
        assertFalse(bOutbound.matches(1, TimeUnit.SECONDS), "B's outbound route got its own considers event");
        assertFalse(bDelivers.matches(0, TimeUnit.SECONDS), "B sent considers on again");
        assertNothing(anythingOnA, Duration.ofSeconds(1));
        onB.unsubscribe();
        anythingOnA.unsubscribe();
    }
}
