package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.netty.buffer.Unpooled;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.record.SignedEnvelope;
import org.opencloud.discovery.propagation.codec.Action;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.StreamEvent;
import org.opencloud.discovery.propagation.search.SignedSearchEvents;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.opencloud.discovery.e2e.SearchFixtures.event;
import static org.opencloud.discovery.e2e.SearchFixtures.metrics;
import static org.opencloud.discovery.e2e.SearchFixtures.propagate;
import static org.opencloud.discovery.e2e.SearchFixtures.refused;
import static org.opencloud.discovery.e2e.SearchFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.APP_NAME;
import static org.opencloud.discovery.e2e.NodeFixture.assertNothing;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * PB_SEARCH of resources over direct streams. A knows B as a partner, C and a raw libp2p host H as known peers. B
 * and C keep the resources their apps propagate; A's searches return on A's SEARCH_EVENT the matching resources of
 * B and C that are public or shared with A, and none of their private ones, deleted ones, or ones they did not
 * create. Forged search events are refused and counted; a hostile answerer's result stream is cut and counted.
 */
class ResourceSearchTest {
    private static final String SEARCH = "/opencloud/resource/search/1.0";
    private static final String RESULT = "/opencloud/resource/search-result/1.0";
    private static final String COMPUTE = "COMPUTE_RESOURCE";
    private static final int MAX_RESULTS = 5;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;
    private static NodeFixture c;
    private static PrivateKey hostileKey;
    private static Host hostile;
    private static PropagationCodec codec;
    /**
     * How H answers a search event, done when its answer is (by default: nothing); H closes the search stream after
     * that, as a node does, so that A's search is done once H's results are in.
     */
    private static final AtomicReference<Function<StreamEvent, CompletableFuture<?>>> H_ANSWERS =
            new AtomicReference<>(ResourceSearchTest::nothing);

    @BeforeAll
    static void start() throws Exception {
        codec = new PropagationCodec(CodecTable.fromFile(NodeFixture.PROJECT_CODEC), "test");
        hostileKey = PrivateKey.generate();
        hostile = new Host(HostConfig.withIdentity(hostileKey)
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/" + NodeFixture.freePort()))).start();
        hostile.handle(SEARCH, stream -> stream.readToEnd(64 * 1024)
                .thenCompose(body -> H_ANSWERS.get().apply(codec.decodeStreamEvent(body)))
                .whenComplete((answered, error) -> stream.closeWrite()));
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")))
                .set("oc.search.max-results", String.valueOf(MAX_RESULTS));
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b"))).start();
        c = new NodeFixture("node-c", Files.createDirectories(dir.resolve("c"))).start();
        String hostileAddress = hostile.listenAddresses().get(0).withPeerId(hostile.peerId()).toString();
        a.peers(List.of(peerJson(b.peerId(), b.address(), "PARTNER"), peerJson(c.peerId(), c.address(), "NONE"),
                peerJson(hostile.peerId().toString(), hostileAddress, "NONE"))).start();

        propagate(b, List.of(
                event("PB_CREATE", COMPUTE, resource("b1", "GPU node b1", "PUBLIC", b.peerId(), null)),
                event("PB_CREATE", COMPUTE, resource("b2", "gpu shared with A", "PRIVATE", b.peerId(), a.peerId())),
                event("PB_CREATE", COMPUTE, resource("b3", "private GPU", "PRIVATE", b.peerId(), null)),
                event("PB_CREATE", COMPUTE, resource("b4", "someone else's GPU", "PUBLIC", c.peerId(), null)),
                event("PB_CREATE", "STORAGE_RESOURCE", resource("b5", "GPU scratch disk", "PUBLIC", b.peerId(), null)),
                event("PB_CREATE", COMPUTE, resource("b6", "GPU soon deleted", "PUBLIC", b.peerId(), null)),
                event("PB_DELETE", COMPUTE, resource("b6", "GPU soon deleted", "PUBLIC", b.peerId(), null)),
                event("PB_CREATE", COMPUTE, resource("b7", "CPU node", "PUBLIC", b.peerId(), null)),
                event("PB_CREATE", COMPUTE, resource("b8", "old name", "PUBLIC", b.peerId(), null)),
                event("PB_UPDATE", COMPUTE, resource("b8", "GPU renamed", "PUBLIC", b.peerId(), null))));
        propagate(c, List.of(
                event("PB_CREATE", COMPUTE, resource("c1", "GPU node c1", "PUBLIC", c.peerId(), null)),
                event("PB_CREATE", COMPUTE, resource("c2", "GPU for A", "PRIVATE", c.peerId(), a.peerId())),
                event("PB_CREATE", COMPUTE, resource("c3", "GPU for B only", "PRIVATE", c.peerId(), b.peerId()))));
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a, b, c, hostile);
    }

    @BeforeEach
    void quietHost() {
        H_ANSWERS.set(ResourceSearchTest::nothing);
    }

    private static CompletableFuture<?> nothing(StreamEvent search) {
        return CompletableFuture.completedFuture(null);
    }

    @Test
    void knownSearchReturnsWhatEveryKnownPeerShowsA() {
        assertEquals(Set.of("b1", "b2", "b8", "c1", "c2"), search("known", "gpu", 5));
        assertEquals(Set.of("b1", "b7", "c1"), search("known", "NODE", 3), "case-insensitive, part of a field");
    }

    @Test
    void partnerSearchAsksOnlyPartners() {
        assertEquals(Set.of("b1", "b2", "b8"), search("partner", "gpu", 3));
    }

    @Test
    void forgedSearchEventsAreRefusedAndCounted() throws Exception {
        Subscription anythingOnB = b.subscribe(">");
        long before = refused(b, "FORGED");
        StreamEvent event = new StreamEvent(Action.PB_SEARCH, hostile.peerId().toString(), "mallory", COMPUTE,
                "{\"type\":\"known\",\"search\":\"gpu\"}", null, "forged-1");
        PrivateKey other = PrivateKey.generate();
        SignedSearchEvents signatures = new SignedSearchEvents(codec);
        StreamEvent otherKey = signatures.sign(event, (d, t, p) -> SignedEnvelope.seal(other, d, t, p));
        StreamEvent onBehalfOfA = signatures.sign(new StreamEvent(Action.PB_SEARCH, a.peerId(), "alice", COMPUTE,
                event.payload(), null, "forged-2"), (d, t, p) -> SignedEnvelope.seal(hostileKey, d, t, p));
        StreamEvent signed = signatures.sign(event, hostile::seal);
        StreamEvent tampered = new StreamEvent(signed.type(), signed.from(), signed.user(), signed.dataType(),
                "{\"type\":\"known\",\"search\":\"private\"}", signed.signature(), signed.id());
        for (StreamEvent forged : List.of(event, otherKey, onBehalfOfA, tampered)) {
            Stream stream = hostile.newStream(Multiaddr.of(b.address()), List.of(SEARCH)).get(10, TimeUnit.SECONDS);
            stream.write(Unpooled.wrappedBuffer(codec.encodeStreamEvent(forged)));
            stream.closeWrite();
            assertThrows(ExecutionException.class, () -> stream.readToEnd(1024).get(10, TimeUnit.SECONDS),
                    "B resets the stream of a forged search");
        }
        assertEquals(before + 4, refused(b, "FORGED"));
        assertNothing(anythingOnB, Duration.ofMillis(500));

        // the same event, signed by its sender: answered, with B's public resources only (nothing is shared with H)
        List<String> results = new ArrayList<>();
        CompletableFuture<Void> answered = new CompletableFuture<>();
        hostile.handle(RESULT, stream -> stream.readDelimited(64 * 1024, line -> results.add(
                json(codec.decodeStreamEvent(line).payload()).path("id").asText())).whenComplete((done, error) -> {
                    stream.closeWrite();
                    answered.complete(null);
                }));
        try {
            Stream stream = hostile.newStream(Multiaddr.of(b.address()), List.of(SEARCH)).get(10, TimeUnit.SECONDS);
            stream.write(Unpooled.wrappedBuffer(codec.encodeStreamEvent(signed)));
            stream.closeWrite();
            stream.readToEnd(1024).get(10, TimeUnit.SECONDS);
            answered.get(10, TimeUnit.SECONDS);
            assertEquals(List.of("b1", "b8"), results.stream().sorted().toList());
        } finally {
            hostile.unhandle(RESULT);
        }
        assertEquals(before + 4, refused(b, "FORGED"));
    }

    @Test
    void aHostileAnswerersResultStreamIsCutAndCounted() throws Exception {
        // too many results: the first MAX_RESULTS are taken, the rest cut
        long tooMany = cut("TOO_MANY_RESULTS");
        H_ANSWERS.set(search -> answer(search, 500, 100));
        Set<String> found = search("known", "gpu", 5 + MAX_RESULTS);
        assertEquals(MAX_RESULTS, found.stream().filter(id -> id.startsWith("h-")).count(), found::toString);
        assertTrue(found.containsAll(Set.of("b1", "b2", "b8", "c1", "c2")), found::toString);
        assertEquals(tooMany + 1, cut("TOO_MANY_RESULTS"));

        // a result larger than oc.search.max-result-bytes: cut before it is read whole
        long oversized = cut("OVERSIZED");
        H_ANSWERS.set(search -> answer(search, 1, 100_000));
        assertEquals(Set.of("b1", "b2", "b8", "c1", "c2"), search("known", "gpu", 5));
        assertEquals(oversized + 1, cut("OVERSIZED"));

        // results for a search A never made: cut and counted, nothing published (H's stream is admitted, since A's
        // last search went to H; whether it ends reset or closed depends on whether H's FIN arrived first)
        long unsolicited = cut("UNSOLICITED");
        Subscription onA = a.subscribe("SEARCH_EVENT");
        Stream stream = hostile.newStream(Multiaddr.of(a.address()), List.of(RESULT)).get(10, TimeUnit.SECONDS);
        stream.write(Unpooled.wrappedBuffer(resultLine("no-search", "h-x", 10)));
        stream.closeWrite();
        stream.readToEnd(1024).handle((bytes, e) -> null).get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (cut("UNSOLICITED") == unsolicited && System.nanoTime() < deadline) {
            NodeFixture.sleep(Duration.ofMillis(20));
        }
        assertEquals(unsolicited + 1, cut("UNSOLICITED"));
        assertNothing(onA, Duration.ofMillis(500));
    }

    /**
     * H's answer to {@code search}: {@code count} results of {@code bytes} each on a result stream to A, done when A
     * has closed the stream (it took them all) or reset it (it cut them).
     */
    private static CompletableFuture<?> answer(StreamEvent search, int count, int bytes) {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            lines.writeBytes(resultLine(search.id(), "h-" + i, bytes));
        }
        return hostile.newStream(Multiaddr.of(a.address()), List.of(RESULT)).thenCompose(stream -> {
            stream.write(Unpooled.wrappedBuffer(lines.toByteArray()));
            stream.closeWrite();
            return stream.readToEnd(1024);
        });
    }

    private static byte[] resultLine(String searchId, String id, int bytes) {
        String resource = resource(id, "GPU " + "x".repeat(bytes), "PUBLIC", hostile.peerId().toString(), null);
        return codec.encodeStreamEvent(new StreamEvent(Action.PB_SEARCH_RESPONSE, hostile.peerId().toString(), null,
                COMPUTE, resource, null, searchId));
    }

    /**
     * A's PB_SEARCH of COMPUTE_RESOURCE: the ids of the resources it gets on its SEARCH_EVENT, once its search is done
     * (every target has answered) and {@code expected} results have come (A publishes them as their streams are
     * read, which may be after the search route is done on loaded cores), or {@link NodeFixture#WAIT} has passed;
     * then whatever else comes within half a second, so that a result too many is seen too.
     */
    private static Set<String> search(String type, String text, int expected) {
        Subscription results = a.subscribe("SEARCH_EVENT");
        NotifyBuilder done = new NotifyBuilder(a.node().context()).fromRoute("resource-search").whenDone(1).create();
        a.publish("PROPALGATION_EVENT", propagationEvent("search-app", "PB_SEARCH", COMPUTE,
                "{\"type\":\"" + type + "\",\"search\":\"" + text + "\"}", false));
        assertTrue(done.matches(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the search was not done within " + WAIT);
        Set<String> ids = new TreeSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        Message message;
        while ((message = NodeFixture.poll(results, ids.size() < expected && System.nanoTime() < deadline
                ? Duration.ofNanos(Math.max(1, deadline - System.nanoTime())) : Duration.ofMillis(500))) != null) {
            JsonNode envelope = json(message);
            assertEquals(APP_NAME, envelope.path("FromApp").asText());
            assertEquals("alice", envelope.path("User").asText());
            assertEquals(4, envelope.path("Datatype").asInt(), "COMPUTE_RESOURCE as oc-lib numbers it");
            ids.add(decodedPayload(envelope.path("Payload")).path("id").asText());
        }
        results.unsubscribe();
        return ids;
    }

    private static long cut(String reason) {
        return metrics(a).countsByReason("oc.search.results.cut").getOrDefault(reason, 0L);
    }
}
