package org.opencloud.discovery.e2e;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;

/**
 * Issue 9, the receiver confirms only what its NATS accepted, with real processes: nodes A → B in JVMs of their
 * own, each with its nats-server (JetStream). An app publishes {@value #EVENTS} PB_CREATE on A at about
 * {@value #RATE} a second; B's nats-server is stopped for {@value #OUTAGE_SECONDS} s meanwhile, and B's node is
 * killed (SIGKILL) and started again during the outage, which loses whatever its NATS client held. B resets the
 * streams its NATS did not accept, so A's outbox for B delivers them again (with backoff, for as long as the age
 * limit allows) and gives up none: once B's NATS is back, it has every event, each once. With a stream on B's
 * NATS capturing CREATE_RESOURCE (B publishes through JetStream and waits for its acknowledgement) and without (a
 * core publish and a PING).
 */
class ReceiverNatsOutageTest {
    private static final int EVENTS = 400;
    private static final int RATE = 20;
    private static final int OUTAGE_SECONDS = 10;
    private static final Duration SETTLED = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final Running running = new Running();

    @AfterEach
    void stop() throws Exception {
        running.closeAll();
    }

    @ParameterizedTest(name = "stream on B''s NATS: {0}")
    @ValueSource(booleans = {true, false})
    void whatBsNatsDidNotAcceptIsSentAgainAndEverythingArrivesOnce(boolean streamOnB) throws Exception {
        DurableNode a = new DurableNode("node-a", dir.resolve("a"));
        DurableNode b = new DurableNode("node-b", dir.resolve("b"));
        running.add(a);
        running.add(b);
        a.partners(List.of(b));
        b.partners(List.of(a));
        a.start();
        b.start();
        a.process().awaitReady();
        b.process().awaitReady();
        try (Connection app = CreatedResources.connect(a.nats()); Undelivered onA = new Undelivered(app);
             CreatedResources onB = new CreatedResources(b.nats())) {
            if (streamOnB) {
                onB.connection().jetStreamManagement().addStream(StreamConfiguration.builder().name("B_RESOURCES")
                        .subjects("CREATE_RESOURCE").duplicateWindow(Duration.ofMinutes(2)).build());
            }
            String unconfirmed = "oc_events_unconfirmed_total{peer=\"" + a.peerId() + "\"}";
            PacedPublisher publisher = PacedPublisher.plain(app, PacedPublisher.creates(EVENTS), RATE);
            outage(b, publisher, unconfirmed);
            publisher.accepted();

            Set<String> all = new TreeSet<>();
            for (int i = 0; i < EVENTS; i++) {
                all.add("r-" + i);
            }
            onB.awaitAll(all, SETTLED); // A's outbox retried what B did not confirm until B's NATS took it
            System.out.printf("B's NATS down %d s, B killed meanwhile (stream on B: %s): %d published, %d reported "
                            + "on A's error subject, %d distinct on B (%d messages), %.0f not confirmed by B's new process%n",
                    OUTAGE_SECONDS, streamOnB, EVENTS, onA.ids.size(), onB.distinct().size(), onB.messages(),
                    b.process().metric(unconfirmed));
            assertEquals(Set.of(), onA.ids, "nothing given up on A: its outbox waits for B");
            String bLog = Files.readString(b.log()); // B's restarted process
            assertTrue(bLog.contains("who will send it again"), "B says why it did not confirm:\n" + b.process().logTail());
            assertTrue(!bLog.contains("\tat "), "expected refusals log no stack trace:\n" + b.process().logTail());
            // B was killed while its NATS was down: no event was between its publish and its id record. One event
            // whose publish was under way when B's nats-server stopped may reach a core subscriber twice: the server
            // had it, B never got its answer, and A sent it again (README, what a receiver guarantees); a stream
            // keeps it once (below). A second copy of more than that one would be an event B confirmed and published again.
            assertTrue(onB.messages() - onB.distinct().size() <= 1,
                    onB.messages() + " messages for " + onB.distinct().size() + " events on B's subscribers");
            if (streamOnB) {
                // asked on a connection of its own: the subscriber's, through the outage, once got no JetStream
                // answer for a minute although B's node had its events acknowledged by the stream meanwhile
                try (Connection asking = CreatedResources.connect(b.nats())) {
                    assertEquals(EVENTS, storedIn(asking.jetStreamManagement(), "B_RESOURCES"), "none twice in B's stream");
                }
            }
        }
    }

    /** The messages a stream holds, asked until its server answers (its JetStream may still be recovering). */
    private static long storedIn(JetStreamManagement management, String stream) throws Exception {
        long deadline = System.nanoTime() + SETTLED.toNanos();
        while (true) {
            try {
                return management.getStreamInfo(stream).getStreamState().getMsgCount();
            } catch (IOException notYet) {
                assertTrue(System.nanoTime() < deadline, stream + " never answered: " + notYet);
            }
        }
    }

    /**
     * At a fifth of the run, B's nats-server stops; a third of the outage later B's node is killed and started again
     * (it starts without its NATS). The server starts again, on the same port and store, after the outage and once
     * B's new process has reset a stream of A's because its NATS was down ({@code unconfirmed}, B's metric).
     */
    private static void outage(DurableNode b, PacedPublisher publisher, String unconfirmed) {
        try {
            publisher.awaitPublished(EVENTS / 5);
            long stopped = System.nanoTime();
            b.nats().stop();
            NodeFixture.sleep(Duration.ofSeconds(OUTAGE_SECONDS / 3)); // the outage, as the scenario has it
            b.process().kill();
            b.start();
            awaitUnconfirmed(b.process(), unconfirmed);
            NodeFixture.sleep(Duration.ofNanos(Math.max(0, stopped + TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS)
                    - System.nanoTime())));
            b.nats().start();
            b.process().awaitReady();
        } catch (Exception e) {
            throw new IllegalStateException("the outage did not go as planned", e);
        }
    }

    private static void awaitUnconfirmed(NodeProcess b, String series) {
        long deadline = System.nanoTime() + NodeProcess.START.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> scrape = b.get("/observe/metrics");
            if (scrape != null && scrape.statusCode() == 200 && NodeProcess.series(scrape.body(), series) > 0) {
                return;
            }
            NodeFixture.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("B's restarted node did not refuse to confirm A's events while its NATS was down:\n"
                + b.logTail());
    }

    /** What A reports on its error subject (UNDELIVERED, EXPIRED...): reason and resource id. */
    private static final class Undelivered implements AutoCloseable {
        private final Set<String> ids = ConcurrentHashMap.newKeySet();
        private final io.nats.client.Dispatcher dispatcher;
        private final Connection connection;

        Undelivered(Connection connection) throws Exception {
            this.connection = connection;
            dispatcher = connection.createDispatcher(message -> {
                String reason = message.getHeaders().getFirst("OcErrorReason");
                try {
                    ids.add(reason + " " + decodedPayload(json(message).path("payload")).path("id").asText());
                } catch (RuntimeException notAnEvent) {
                    ids.add(reason + " (" + message.getData().length + " bytes)");
                }
            });
            dispatcher.subscribe(NodeFixture.ERRORS);
            connection.flush(Duration.ofSeconds(10));
        }

        @Override
        public void close() {
            connection.closeDispatcher(dispatcher);
        }
    }
}
