package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * Issue 9, durable ingress and the partners' outboxes, with real processes: nodes A → B in JVMs of their own, each with a nats-server with
 * JetStream whose store survives its restart. An app publishes {@value #EVENTS} PB_CREATE events on A's NATS at
 * about {@value #RATE} a second; one fault at 30 % of the run; then every event A's NATS accepted must reach B's
 * CREATE_RESOURCE (distinct ids; an event A sent but had not acknowledged when it died may come twice to B's
 * subscribers, and once to a stream on B's NATS, which drops what has the same Nats-Msg-Id). And a
 * node on a NATS without JetStream carries events best effort and says so.
 */
class DurableIntakeTest {
    private static final int EVENTS = 1500;
    private static final int RATE = 300;
    private static final Duration ARRIVAL = Duration.ofSeconds(45);
    /** The server sends an unacknowledged event again after this long: how soon a restarted node gets them. */
    private static final String ACK_WAIT_MS = "3000";

    @TempDir
    Path dir;
    private final Running running = new Running();

    @AfterEach
    void stop() throws Exception {
        running.closeAll();
    }

    @Test
    void everythingPublishedReachesBAfterAIsKilledAndRestarted() throws Exception {
        Pair pair = startPair();
        JsonNode natsCheck = NodeProcess.check(pair.a.process().awaitReady(), "nats").path("data");
        assertEquals("true", natsCheck.path("jetstream").asText(), natsCheck::toString);
        assertEquals("JETSTREAM", natsCheck.path("intake").asText(), natsCheck::toString);
        try (Connection app = CreatedResources.connect(pair.a.nats()); CreatedResources onB = new CreatedResources(pair.b.nats())) {
            // an operator's stream on B: B publishes each event with Nats-Msg-Id, so it keeps the event once
            JetStreamManagement onBsStream = onB.connection().jetStreamManagement();
            onBsStream.addStream(StreamConfiguration.builder().name("B_RESOURCES").subjects("CREATE_RESOURCE")
                    .duplicateWindow(Duration.ofMinutes(2)).build());
            long started = System.nanoTime();
            PacedPublisher publisher = PacedPublisher.plain(app, PacedPublisher.creates(EVENTS), RATE);
            publisher.awaitPublished(EVENTS * 3 / 10);
            pair.a.kill();
            pair.a.start(); // while the app goes on publishing on A's NATS
            pair.a.process().awaitReady();
            Set<String> accepted = ids(publisher.accepted());
            onB.awaitAll(accepted, ARRIVAL);
            report("A killed (SIGKILL) and restarted", accepted, onB, started);
            assertEquals(accepted.size(), onBsStream.getStreamInfo("B_RESOURCES").getStreamState().getMsgCount(),
                    "B's stream keeps each event once, however often A sent it");
            // they went through B's outbox on A's NATS, which holds nothing more (B acknowledged every one)
            ConsumerInfo outbox = pair.a.drainedOutboxOf("OC_OUTBOX", pair.b.peerId(), ARRIVAL);
            assertEquals(0, outbox.getNumPending() + outbox.getNumAckPending(), outbox::toString);
            assertTrue(outbox.getDelivered().getStreamSequence() >= accepted.size(), outbox::toString);
        }
    }

    @Test
    void nothingAsNatsAcceptedIsLostWhenItRestarts() throws Exception {
        Pair pair = startPair();
        try (Connection app = CreatedResources.connect(pair.a.nats()); CreatedResources onB = new CreatedResources(pair.b.nats())) {
            long started = System.nanoTime();
            PacedPublisher publisher = PacedPublisher.confirmed(app, PacedPublisher.creates(EVENTS), RATE);
            publisher.awaitPublished(EVENTS * 3 / 10);
            pair.a.nats().stop();
            NodeFixture.sleep(Duration.ofSeconds(2)); // the outage
            pair.a.nats().start(); // same port, same store
            Set<String> accepted = ids(publisher.accepted());
            assertTrue(accepted.size() >= EVENTS * 3 / 10, "A's NATS accepted only " + accepted.size());
            onB.awaitAll(accepted, ARRIVAL);
            report("A's nats-server stopped and started", accepted, onB, started);
        }
    }

    @Test
    void aNatsWithoutJetStreamIsBestEffortAndSaysSo() throws Exception {
        try (NodeFixture a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")));
             NodeFixture b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")))) {
            a.partners(b).start();
            b.partners(a).start();
            HealthCheck.Result nats = HealthCheckRegistry.get(a.node().context()).getCheck("nats").orElseThrow().call();
            assertEquals(HealthCheck.State.UP, nats.getState());
            assertEquals(false, nats.getDetails().get("jetstream"), nats.getDetails()::toString);
            assertEquals("CORE", nats.getDetails().get("intake"), nats.getDetails()::toString);

            var onB = b.subscribe("CREATE_RESOURCE");
            a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "DATA_RESOURCE",
                    "{\"id\":\"best-effort\"}", false));
            assertEquals("best-effort", decodedPayload(json(next(onB)).path("Payload")).path("id").asText());
        }
    }

    private static void report(String fault, Set<String> accepted, CreatedResources onB, long started) {
        System.out.printf("%s: %d published, %d accepted by A's NATS, %d distinct on B (%d messages, %d twice), %.1f s%n",
                fault, EVENTS, accepted.size(), onB.distinct().size(), onB.messages(),
                onB.messages() - onB.distinct().size(), (System.nanoTime() - started) / 1e9);
    }

    // ------------------------------------------------------------------ the two nodes

    private Pair startPair() throws Exception {
        DurableNode a = new DurableNode("node-a", dir.resolve("a")).set("OC_JETSTREAM_ACK_WAIT_MS", ACK_WAIT_MS);
        running.add(a);
        DurableNode b = new DurableNode("node-b", dir.resolve("b")).set("OC_JETSTREAM_ACK_WAIT_MS", ACK_WAIT_MS);
        running.add(b);
        a.partners(List.of(b)).start();
        b.partners(List.of(a)).start();
        a.process().awaitReady();
        b.process().awaitReady();
        return new Pair(a, b);
    }

    private record Pair(DurableNode a, DurableNode b) {
    }

    // ------------------------------------------------------------------ the app's events

    /** The resource ids of the events A's NATS accepted. */
    private static Set<String> ids(Set<Integer> accepted) {
        Set<String> ids = new TreeSet<>();
        accepted.forEach(i -> ids.add("r-" + i));
        return ids;
    }
}
