package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Subscription;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.camel.Libp2pComponent;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.protocol.pubsub.Gossipsub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * Nodes configured with other planner, search and search-result protocol ids ({@code oc.protocol.*}) and another
 * search topic ({@code oc.search.topic}, {@code oc.search.subscribe-topic}) serve those and not the defaults, and
 * carry planner events and resource searches on them.
 */
class ConfiguredProtocolIdsTest {
    private static final Map<String, String> PROTOCOLS = Map.of(
            "oc.protocol.planner", "/test/planner/2.0",
            "oc.protocol.search", "/test/search/2.0",
            "oc.protocol.search-result", "/test/search-result/2.0");
    private static final String TOPIC = "test-search";

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;

    @BeforeAll
    static void start() throws Exception {
        a = configured(new NodeFixture("node-a", Files.createDirectories(dir.resolve("a"))));
        b = configured(new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")))).partners(a).start();
        a.partners(b).start();
    }

    private static NodeFixture configured(NodeFixture node) {
        PROTOCOLS.forEach(node::set);
        return node.set("oc.search.topic", TOPIC).set("oc.search.subscribe-topic", TOPIC);
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a, b);
    }

    @Test
    void theConfiguredIdsAreServedInsteadOfTheDefaults() {
        List<String> served = b.node().host().protocols();
        assertTrue(served.containsAll(PROTOCOLS.values()), served::toString);
        for (String standard : List.of("/opencloud/resource/planner/1.0", "/opencloud/resource/search/1.0",
                "/opencloud/resource/search-result/1.0")) {
            assertFalse(served.contains(standard), standard + " still served: " + served);
        }
        awaitTopicPeer();
        assertFalse(pubsub(a).topicPeers("search").contains(PeerId.fromString(b.peerId())),
                "B still subscribes the default search topic");
    }

    @Test
    void plannerEventsAndSearchesTravelOnThem() {
        Subscription onB = b.subscribe("PROPALGATION_EVENT");
        a.publish("PROPALGATION_EVENT", propagationEvent("planner-app", "PB_PLANNER", "WORKFLOW_EXECUTION",
                "{\"peer_id\":\"" + b.peerId() + "\",\"step\":\"one\"}", false));
        JsonNode planned = decodedPayload(json(next(onB)).path("Payload"));
        assertEquals("one", decodedPayload(planned.path("Payload")).path("step").asText(), planned::toString);

        NotifyBuilder kept = new NotifyBuilder(b.node().context()).fromRoute("propagation-outbound").whenDone(1).create();
        b.publish("PROPALGATION_EVENT", propagationEvent("resources-app", "PB_CREATE", "DATA_RESOURCE",
                "{\"id\":\"d1\",\"name\":\"weather data\",\"access\":\"PUBLIC\",\"creator_id\":\"" + b.peerId() + "\"}",
                false));
        assertTrue(kept.matches(NodeFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS));
        Subscription results = a.subscribe("SEARCH_EVENT");
        a.publish("PROPALGATION_EVENT", propagationEvent("search-app", "PB_SEARCH", "DATA_RESOURCE",
                "{\"type\":\"partner\",\"search\":\"Weather\"}", false));
        assertEquals("d1", decodedPayload(json(next(results)).path("Payload")).path("id").asText());

        awaitTopicPeer();
        a.publish("PROPALGATION_EVENT", propagationEvent("search-app", "PB_SEARCH", "DATA_RESOURCE",
                "{\"type\":\"all\",\"search\":\"weather\"}", false));
        assertEquals("d1", decodedPayload(json(next(results)).path("Payload")).path("id").asText(), "on the topic");
    }

    /** Until A has heard that B subscribes the configured search topic. */
    private static void awaitTopicPeer() {
        long deadline = System.nanoTime() + NodeFixture.WAIT.toNanos();
        while (!pubsub(a).topicPeers(TOPIC).contains(PeerId.fromString(b.peerId()))) {
            assertTrue(System.nanoTime() < deadline, "B not on A's topic " + TOPIC + " within " + NodeFixture.WAIT);
            NodeFixture.sleep(Duration.ofMillis(100));
        }
    }

    private static Gossipsub pubsub(NodeFixture node) {
        return node.node().context().getComponent("libp2p", Libp2pComponent.class).activePubsub();
    }
}
