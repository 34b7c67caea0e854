package org.opencloud.discovery.e2e;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * Issue 9, the partners' outboxes, with real processes: node processes, each with its nats-server with JetStream. A
 * partner down longer than the age limit gets nothing and its messages land on the error endpoint as EXPIRED, while
 * the others got theirs; partners killed or stopped midway get every event when they are back, each resource's
 * create before its update.
 */
class OutboxTest {
    /** Fast retries, so that a partner that is back gets what it missed soon (backoff 200 ms doubling to 2 s). */
    private static final Map<String, String> QUICK_RETRIES = Map.of("OC_OUTBOX_RETRY_INITIAL_MS", "200",
            "OC_OUTBOX_RETRY_MAX_MS", "2000", "OC_JETSTREAM_ACK_WAIT_MS", "3000");
    private static final Duration ARRIVAL = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final Running running = new Running();

    @AfterEach
    void stop() throws Exception {
        running.closeAll();
    }

    @Test
    void aPartnerDownLongerThanTheAgeLimitGetsItsMessagesExpiredTheOthersGotTheirs() throws Exception {
        String downPeer = PrivateKey.generate().peerId().toString();
        String nobodyListens = "/ip4/127.0.0.1/tcp/" + NodeFixture.freePort() + "/p2p/" + downPeer;
        // and the other settings an operator may give, by environment variables
        DurableNode a = node("node-a").set("OC_OUTBOX_MAX_AGE_MS", "4000").set("OC_OUTBOX_STREAM", "OPS_OUTBOX")
                .set("OC_OUTBOX_IN_FLIGHT", "4").set("OC_OUTBOX_MAX_BYTES", "67108864");
        DurableNode b = node("node-b");
        a.partners(List.of(b), peerJson(downPeer, nobodyListens, "PARTNER").toString()).start();
        b.partners(List.of(a)).start();
        a.process().awaitReady();
        b.process().awaitReady();
        int events = 20;
        try (Connection app = connect(a); Arrivals onB = new Arrivals(b, "CREATE_RESOURCE");
             Arrivals errors = new Arrivals(a, NodeFixture.ERRORS)) {
            for (int i = 0; i < events; i++) {
                app.publish("PROPALGATION_EVENT", event("PB_CREATE", "r-" + i, 1));
            }
            app.flush(Duration.ofSeconds(10));

            errors.await(() -> errors.count() >= 1, "an EXPIRED message on A's error subject");
            assertEquals(events, onB.distinct().size(), "B had every event when the down partner's first expired");
            errors.await(() -> errors.count() >= events, "EXPIRED messages on A's error subject");
            Set<String> expired = new TreeSet<>();
            for (Message error : errors.messages()) {
                assertEquals("EXPIRED", error.getHeaders().getFirst("OcErrorReason"));
                assertEquals(downPeer, error.getHeaders().getFirst("OcErrorPeer"));
                expired.add(decodedPayload(json(error).path("payload")).path("id").asText());
            }
            assertEquals(events, expired.size(), "each event expired once: " + expired);
            ConsumerInfo left = a.drainedOutboxOf("OPS_OUTBOX", downPeer, NodeFixture.WAIT);
            assertEquals(0, left.getNumPending() + left.getNumAckPending(), "the down partner's outbox is empty");
            assertEquals(4, left.getConsumerConfiguration().getMaxAckPending(), "in flight per partner");
            StreamConfiguration stream = a.stream("OPS_OUTBOX");
            assertEquals(67108864, stream.getMaxBytes());
            assertEquals(Duration.ofSeconds(8), stream.getMaxAge(), "kept twice the age limit");
            assertEquals(List.of("oc.outbox.>"), stream.getSubjects());
            assertEquals(events, metric(a, "oc_outbox_expired_total", downPeer), "expirations counted");
            assertTrue(metric(a, "oc_delivery_retries_total", downPeer) > 0, "retries counted");
        }
    }

    @Test
    void partnersKilledOrStoppedMidwayGetEveryEventEachCreateBeforeItsUpdate() throws Exception {
        DurableNode a = node("node-a");
        DurableNode b = node("node-b");
        DurableNode c = node("node-c");
        a.partners(List.of(b, c)).start();
        b.partners(List.of(a)).start();
        c.partners(List.of(a)).start();
        for (DurableNode node : List.of(a, b, c)) {
            node.process().awaitReady();
        }
        int resources = 5000;
        List<byte[]> events = createsAndUpdates(resources); // 10,000, as the issue asks
        try (Connection app = connect(a); Arrivals onB = new Arrivals(b, "CREATE_RESOURCE");
             Arrivals onC = new Arrivals(c, "CREATE_RESOURCE")) {
            for (Arrivals arrivals : List.of(onB, onC)) { // an operator's stream of what each partner publishes
                arrivals.connection.jetStreamManagement().addStream(StreamConfiguration.builder().name("RESOURCES")
                        .subjects("CREATE_RESOURCE").duplicateWindow(Duration.ofMinutes(2)).build());
            }
            PacedPublisher publisher = PacedPublisher.plain(app, events, 500);
            publisher.awaitPublished(events.size() * 3 / 10);
            b.kill(); // a crash: B's streams break mid-way, its NATS stays
            c.stop(); // an orderly stop: unreachable for a while
            publisher.awaitPublished(events.size() * 6 / 10);
            b.start();
            publisher.awaitPublished(events.size() * 8 / 10);
            c.start();
            publisher.accepted();
            for (Arrivals arrivals : List.of(onB, onC)) {
                arrivals.await(() -> arrivals.distinct().size() == events.size(), "every event on " + arrivals.subject);
                System.out.printf("%s: %d events, %d distinct arrived (%d messages, %d twice), %d creates again after"
                                + " their update%n", arrivals.node, events.size(), arrivals.distinct().size(),
                        arrivals.count(), arrivals.count() - arrivals.distinct().size(), arrivals.createsAfterUpdate());
                assertEquals(List.of(), arrivals.updatesBeforeCreate(), "updates that overtook their create");
                assertEquals(0, arrivals.createsAfterUpdate(), "creates sent again after their update and published");
                // none twice: the receiver publishes each (sender, id) once; a copy sent again while it was killed
                // between its publish and its id record reaches core subscribers, never the stream (Nats-Msg-Id)
                assertEquals(events.size(), arrivals.connection.jetStreamManagement().getStreamInfo("RESOURCES")
                        .getStreamState().getMsgCount(), arrivals.node + "'s stream keeps each event once");
            }
            // the faults happened: A had to try again for both
            assertTrue(metric(a, "oc_delivery_retries_total", b.peerId()) > 0, "no retry for B");
            assertTrue(metric(a, "oc_delivery_retries_total", c.peerId()) > 0, "no retry for C");
            // the depth gauges come down to nothing (read from the server every third of the ack wait)
            long deadline = System.nanoTime() + NodeFixture.WAIT.toNanos();
            while (metric(a, "oc_outbox_depth", b.peerId()) + metric(a, "oc_outbox_depth", c.peerId()) > 0) {
                assertTrue(System.nanoTime() < deadline, "outbox depth gauges not back to 0");
                NodeFixture.sleep(Duration.ofMillis(100));
            }
        }
    }

    // ------------------------------------------------------------------ nodes and traffic

    private DurableNode node(String name) throws IOException {
        DurableNode node = new DurableNode(name, dir.resolve(name));
        running.add(node);
        QUICK_RETRIES.forEach(node::set);
        return node;
    }

    /** A node's Prometheus sample {@code name{peer="peer"}}, 0 when it has none. */
    static double metric(DurableNode node, String name, String peer) {
        String prefix = name + "{peer=\"" + peer + "\"} ";
        return node.process().get("/observe/metrics").body().lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()))).findFirst().orElse(0);
    }

    private static Connection connect(DurableNode node) throws IOException, InterruptedException {
        return Nats.connect(new Options.Builder().server(node.nats().url()).connectionName(NodeFixture.TEST_CLIENT)
                .maxReconnects(-1).build());
    }

    /** Resource {@code id} at version {@code version} (1: its create, 2: its update). */
    private static byte[] event(String action, String id, int version) {
        return propagationEvent("some-app", action, "DATA_RESOURCE", "{\"id\":\"" + id + "\",\"v\":" + version + "}",
                false).getBytes(StandardCharsets.UTF_8);
    }

    /** create r-0, then for each i: create r-i and update r-(i-1), so each update closely follows its create. */
    private static List<byte[]> createsAndUpdates(int resources) {
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i <= resources; i++) {
            if (i < resources) {
                events.add(event("PB_CREATE", "r-" + i, 1));
            }
            if (i > 0) {
                events.add(event("PB_UPDATE", "r-" + (i - 1), 2));
            }
        }
        return events;
    }

    /** What arrives on one subject of a node's NATS, in order: each resource id with its version. */
    private static final class Arrivals implements AutoCloseable {
        private final String node;
        private final String subject;
        private final Connection connection;
        private final List<Message> messages = new CopyOnWriteArrayList<>();
        private final Map<String, List<Integer>> versions = new ConcurrentHashMap<>();

        Arrivals(DurableNode node, String subject) throws Exception {
            this.node = node.toString();
            this.subject = subject;
            connection = connect(node);
            connection.createDispatcher(message -> {
                messages.add(message);
                if (!subject.equals(NodeFixture.ERRORS)) {
                    var resource = decodedPayload(json(message).path("Payload"));
                    versions.computeIfAbsent(resource.path("id").asText(), id -> new CopyOnWriteArrayList<>())
                            .add(resource.path("v").asInt());
                }
            }).subscribe(subject);
            connection.flush(Duration.ofSeconds(10));
        }

        int count() {
            return messages.size();
        }

        List<Message> messages() {
            return messages;
        }

        /** The distinct (resource, version) pairs that arrived. */
        Set<String> distinct() {
            Set<String> out = new TreeSet<>();
            versions.forEach((id, seen) -> seen.forEach(v -> out.add(id + "@" + v)));
            return out;
        }

        /** Resources whose first update arrived before their first create. */
        List<String> updatesBeforeCreate() {
            List<String> out = new ArrayList<>();
            versions.forEach((id, seen) -> {
                if (seen.contains(2) && (!seen.contains(1) || seen.indexOf(2) < seen.indexOf(1))) {
                    out.add(id + " " + seen);
                }
            });
            Collections.sort(out);
            return out;
        }

        /** Creates sent again (after a restart) that arrived after their update: what the receiver's id record drops. */
        long createsAfterUpdate() {
            return versions.values().stream().filter(seen -> seen.lastIndexOf(1) > seen.indexOf(2) && seen.contains(2))
                    .count();
        }

        void await(BooleanSupplier condition, String what) {
            long deadline = System.nanoTime() + ARRIVAL.toNanos();
            while (!condition.getAsBoolean()) {
                assertTrue(System.nanoTime() < deadline, what + ": not within " + ARRIVAL + " (" + distinct().size()
                        + " distinct, " + count() + " messages)");
                NodeFixture.sleep(Duration.ofMillis(50));
            }
        }

        @Override
        public void close() throws InterruptedException {
            connection.close();
        }
    }
}
