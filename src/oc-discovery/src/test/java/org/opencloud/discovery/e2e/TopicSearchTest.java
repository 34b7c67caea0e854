package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.camel.Libp2pComponent;
import org.opencloud.discovery.node.NodeRecordPublisher;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.pubsub.GossipConfig;
import org.opencloud.discovery.p2p.protocol.pubsub.Gossipsub;
import org.opencloud.discovery.p2p.record.SignedEnvelope;
import org.opencloud.discovery.propagation.codec.Action;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.StreamEvent;
import org.opencloud.discovery.propagation.search.SignedSearchEvents;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.opencloud.discovery.e2e.SearchFixtures.event;
import static org.opencloud.discovery.e2e.SearchFixtures.propagate;
import static org.opencloud.discovery.e2e.SearchFixtures.refused;
import static org.opencloud.discovery.e2e.SearchFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.ERRORS;
import static org.opencloud.discovery.e2e.NodeFixture.assertNothing;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * PB_SEARCH of resources of type all, on the gossipsub search topic. Three nodes in a line: A is connected only to B,
 * B to C, and C has never heard of A. A's search reaches C through B's mesh; C finds A's addresses on the DHT and
 * answers. A's SEARCH_EVENT gets the matching resources of B and C that are public or shared with A, none of their
 * private ones nor any they did not create. A raw host H publishing forged search events on the topic (properly
 * signed gossipsub messages whose search event is unsigned, signed by another key, on behalf of A, or tampered with)
 * and an oversized one: every node drops them, counts them, and puts nothing on NATS.
 */
class TopicSearchTest {
    private static final String TOPIC = "search";
    private static final String COMPUTE = "COMPUTE_RESOURCE";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;
    private static NodeFixture c;
    private static PropagationCodec codec;

    @BeforeAll
    static void start() throws Exception {
        codec = new PropagationCodec(CodecTable.fromFile(NodeFixture.PROJECT_CODEC), "test");
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")));
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")));
        c = new NodeFixture("node-c", Files.createDirectories(dir.resolve("c")));
        b.peers(List.of(peerJson(a.peerId(), a.address(), "PARTNER"), peerJson(c.peerId(), c.address(), "PARTNER")))
                .start();
        c.partners(b).start();
        a.partners(b).start();

        propagate(b, List.of(
                event("PB_CREATE", COMPUTE, resource("b1", "GPU node b1", "PUBLIC", b.peerId(), null)),
                event("PB_CREATE", COMPUTE, resource("b2", "gpu shared with A", "PRIVATE", b.peerId(), a.peerId())),
                event("PB_CREATE", COMPUTE, resource("b3", "private GPU", "PRIVATE", b.peerId(), null)),
                event("PB_CREATE", COMPUTE, resource("b4", "someone else's GPU", "PUBLIC", c.peerId(), null)),
                event("PB_CREATE", "STORAGE_RESOURCE", resource("b5", "GPU scratch disk", "PUBLIC", b.peerId(), null)),
                event("PB_CREATE", COMPUTE, resource("b7", "CPU node", "PUBLIC", b.peerId(), null))));
        propagate(c, List.of(
                event("PB_CREATE", COMPUTE, resource("c1", "GPU node c1", "PUBLIC", c.peerId(), null)),
                event("PB_CREATE", COMPUTE, resource("c2", "GPU for A", "PRIVATE", c.peerId(), a.peerId())),
                event("PB_CREATE", COMPUTE, resource("c3", "GPU for B only", "PRIVATE", c.peerId(), b.peerId())),
                event("PB_CREATE", COMPUTE, resource("c4", "private GPU", "PRIVATE", c.peerId(), null))));

        // the topic carries A's search to C once B has grafted C, and C can answer once A's record is on the DHT
        await("A sees B on the topic and B has C in its mesh", () -> pubsub(a).topicPeers(TOPIC).contains(id(b))
                && pubsub(b).meshPeers(TOPIC).contains(id(c)));
        NodeRecordPublisher network = c.node().context().getRegistry()
                .lookupByNameAndType("nodeRecord", NodeRecordPublisher.class);
        await("C finds A's record on the DHT", () -> network.find(a.peerId(), Duration.ofSeconds(2)).isPresent());
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a, b, c);
    }

    @Test
    void aSearchOfTypeAllReturnsWhatEveryNodeOnTheTopicShowsA() {
        assertEquals(Set.of("b1", "b2", "c1", "c2"), search("gpu", Set.of("b1", "b2", "c1", "c2")));
        assertEquals(Set.of("b1", "b7", "c1"), search("NODE", Set.of("b1", "b7", "c1")));
    }

    @Test
    void forgedAndOversizedSearchEventsOnTheTopicAreDroppedAndCounted() throws Exception {
        PrivateKey hostileKey = PrivateKey.generate();
        try (Host hostile = new Host(HostConfig.withIdentity(hostileKey)
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/" + NodeFixture.freePort()))).start();
             Gossipsub gossip = Gossipsub.install(hostile, StandardProtocols.install(hostile), new GossipConfig())) {
            Subscription anythingOnB = b.subscribe(">");
            Subscription errorsOnC = c.subscribe(ERRORS);
            long forgedOnB = refused(b, "FORGED");
            long forgedOnC = refused(c, "FORGED");
            long oversizedOnB = refused(b, "OVERSIZED");
            gossip.subscribe(TOPIC, message -> { });
            hostile.connect(Multiaddr.of(b.address())).get(10, TimeUnit.SECONDS);
            await("H sees B on the topic", () -> gossip.topicPeers(TOPIC).contains(id(b)));

            String payload = "{\"type\":\"all\",\"search\":\"gpu\"}";
            StreamEvent unsigned = new StreamEvent(Action.PB_SEARCH, hostile.peerId().toString(), "mallory", COMPUTE,
                    payload, null, "forged-1");
            SignedSearchEvents signatures = new SignedSearchEvents(codec);
            PrivateKey other = PrivateKey.generate();
            StreamEvent otherKey = signatures.sign(new StreamEvent(Action.PB_SEARCH, hostile.peerId().toString(),
                    "mallory", COMPUTE, payload, null, "forged-2"), (d, t, p) -> SignedEnvelope.seal(other, d, t, p));
            StreamEvent onBehalfOfA = signatures.sign(new StreamEvent(Action.PB_SEARCH, a.peerId(), "alice", COMPUTE,
                    payload, null, "forged-3"), (d, t, p) -> SignedEnvelope.seal(hostileKey, d, t, p));
            StreamEvent signed = signatures.sign(new StreamEvent(Action.PB_SEARCH, hostile.peerId().toString(),
                    "mallory", COMPUTE, payload, null, "forged-4"), hostile::seal);
            StreamEvent tampered = new StreamEvent(signed.type(), signed.from(), signed.user(), signed.dataType(),
                    "{\"type\":\"all\",\"search\":\"private\"}", signed.signature(), signed.id());
            for (StreamEvent forged : List.of(unsigned, otherKey, onBehalfOfA, tampered)) {
                gossip.publish(TOPIC, codec.encodeStreamEvent(forged)).get(10, TimeUnit.SECONDS);
            }
            StreamEvent huge = signatures.sign(new StreamEvent(Action.PB_SEARCH, hostile.peerId().toString(),
                    "mallory", COMPUTE, "{\"type\":\"all\",\"search\":\"" + "x".repeat(20_000) + "\"}", null,
                    "huge"), hostile::seal);
            gossip.publish(TOPIC, codec.encodeStreamEvent(huge)).get(10, TimeUnit.SECONDS);

            await("B counts 4 forged and 1 oversized search events", () -> refused(b, "FORGED") == forgedOnB + 4
                    && refused(b, "OVERSIZED") == oversizedOnB + 1);
            await("C, reached through B's mesh, counts the 4 forged", () -> refused(c, "FORGED") == forgedOnC + 4);
            assertNothing(anythingOnB, Duration.ofMillis(500));
            assertNothing(errorsOnC, Duration.ofMillis(100));
            assertEquals(forgedOnB + 4, refused(b, "FORGED"));
        }
    }

    /**
     * A's PB_SEARCH all of COMPUTE_RESOURCE: the ids of the resources it gets on its SEARCH_EVENT until it has
     * {@code expected} (each node sends all its results on one stream), and any that come right after.
     */
    private static Set<String> search(String text, Set<String> expected) {
        Subscription results = a.subscribe("SEARCH_EVENT");
        NotifyBuilder sent = new NotifyBuilder(a.node().context()).fromRoute("resource-search").whenDone(1).create();
        a.publish("PROPALGATION_EVENT", propagationEvent("search-app", "PB_SEARCH", COMPUTE,
                "{\"type\":\"all\",\"search\":\"" + text + "\"}", false));
        assertTrue(sent.matches(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the search was not sent within " + WAIT);
        Set<String> ids = new TreeSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        Message message;
        while ((message = NodeFixture.poll(results, ids.containsAll(expected) ? Duration.ofMillis(500)
                : Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) != null) {
            JsonNode envelope = json(message);
            assertEquals("alice", envelope.path("User").asText());
            ids.add(decodedPayload(envelope.path("Payload")).path("id").asText());
        }
        results.unsubscribe();
        return ids;
    }

    private static void await(String condition, BooleanSupplier met) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!met.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, condition + ": not within " + WAIT);
            NodeFixture.sleep(Duration.ofMillis(100));
        }
    }

    private static Gossipsub pubsub(NodeFixture node) {
        return node.node().context().getComponent("libp2p", Libp2pComponent.class).activePubsub();
    }

    private static PeerId id(NodeFixture node) {
        return PeerId.fromString(node.peerId());
    }
}
