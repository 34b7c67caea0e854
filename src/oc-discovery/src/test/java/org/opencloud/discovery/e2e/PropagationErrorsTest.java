package org.opencloud.discovery.e2e;

import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opencloud.discovery.node.NodeMetrics;

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
import static org.opencloud.discovery.e2e.NodeFixture.text;

/**
 * Spec 1, 3.3 and 5: A drops what it published itself and resources another peer created, sends bad
 * input to the error endpoint (NATS subject OC_DISCOVERY_ERRORS, the original body, the reason in NATS
 * header OcErrorReason) and keeps running.
 */
class PropagationErrorsTest {
    private static final int MESSAGE_LIMIT = 16 * 1024;
    private static final String GOOD_RESOURCE = "{\"id\":\"storage-1\",\"size\":\"10Ti\"}";

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;
    private Subscription errorsOnA;
    private Subscription createdOnB;

    @BeforeAll
    static void startNodes() throws Exception {
        Path codec = dir.resolve("codec.properties");
        // the project's table with a small limit, so an oversized body still fits NATS' own 1 MB limit
        Files.writeString(codec, Files.readString(NodeFixture.PROJECT_CODEC) + "\nlimit.messageBytes=" + MESSAGE_LIMIT + "\n");
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a"))).set("oc.codec.file", codec.toString());
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")));
        a.partners(b).start();
        b.partners(a).start();
    }

    @AfterAll
    static void stopNodes() throws Exception {
        NodeFixture.closeAll(a, b);
    }

    @BeforeEach
    void subscribe() {
        errorsOnA = a.subscribe(ERRORS);
        createdOnB = b.subscribe("CREATE_RESOURCE");
    }

    @AfterEach
    void unsubscribe() {
        errorsOnA.unsubscribe();
        createdOnB.unsubscribe();
    }

    @Test
    void ownMessageIsDroppedAndTheNextOneFlows() {
        a.publish("PROPALGATION_EVENT", propagationEvent(APP_NAME, "PB_CREATE", "STORAGE_RESOURCE",
                "{\"id\":\"mine\"}", false));

        assertNextGoodMessageFlows();
        assertNothing(errorsOnA, Duration.ofMillis(300));
    }

    @Test
    void resourceOfAnotherCreatorIsDroppedAndTheNextOneFlows() {
        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "STORAGE_RESOURCE",
                "{\"id\":\"theirs\",\"creator_id\":\"" + b.peerId() + "\"}", false));

        assertNextGoodMessageFlows();
        assertNothing(errorsOnA, Duration.ofMillis(300));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON          | MALFORMED_JSON | {\"FromApp\":\"some-app\",",
            "two JSON values   | MALFORMED_JSON | {\"FromApp\":\"some-app\"} {}",
            "unknown action    | UNKNOWN_ACTION | {\"FromApp\":\"some-app\",\"Datatype\":\"DATA_RESOURCE\",\"Payload\":{\"Action\":\"PB_FROBNICATE\",\"DataType\":\"DATA_RESOURCE\",\"Payload\":{}}}",
            "unknown data type | UNKNOWN_DATATYPE | {\"FromApp\":\"some-app\",\"Payload\":{\"Action\":\"PB_CREATE\",\"DataType\":\"SPACESHIP\",\"Payload\":{}}}"})
    void badInputGoesToTheErrorEndpointWithItsReason(String what, String reason, String body) {
        assertRejected(reason, body);
        assertNextGoodMessageFlows();
    }

    @Test
    void oversizedMessageGoesToTheErrorEndpoint() {
        String body = propagationEvent("some-app", "PB_CREATE", "DATA_RESOURCE",
                "{\"blob\":\"" + "x".repeat(MESSAGE_LIMIT) + "\"}", false);

        assertRejected("OVERSIZED", body);
        assertNextGoodMessageFlows();
    }

    /** Publishes {@code body} on A and checks it is kept on the error subject with its reason, and counted. */
    private void assertRejected(String reason, String body) {
        NodeMetrics metrics = a.node().context().getRegistry().lookupByNameAndType("nodeMetrics",
                NodeMetrics.class);
        long before = metrics.rejections().getOrDefault(reason, 0L);
        a.publish("PROPALGATION_EVENT", body);
        Message rejected = next(errorsOnA);
        assertEquals(reason, rejected.getHeaders() == null ? null : rejected.getHeaders().getFirst("OcErrorReason"));
        assertEquals(body, text(rejected), "the original message is kept");
        assertNothing(createdOnB, Duration.ofMillis(300));
        assertEquals(before + 1, metrics.rejections().getOrDefault(reason, 0L), "rejections counted by reason");
    }

    private void assertNextGoodMessageFlows() {
        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "STORAGE_RESOURCE", GOOD_RESOURCE, true));
        assertEquals(json(GOOD_RESOURCE), decodedPayload(json(next(createdOnB)).get("Payload")));
    }
}
