package org.opencloud.discovery.e2e;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.propagation.dedup.RecentEventIds;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;

/**
 * Issue 9, each event published once by the receiver: node B in a JVM of its own, with its nats-server (no stream
 * captures CREATE_RESOURCE, so only B's record of ids can keep copies off it), and a partner that is a libp2p host
 * in this JVM writing stream events as a sender does, the same event again when it did not see (or forgot) the
 * confirmation. A copy is confirmed (the stream closed, not reset) and not published again: right after the first,
 * after B was stopped and started, and after B was killed (SIGKILL) right after confirming; an event without an id
 * is published every time, as before. Each check ends with a new event, which B's NATS delivers after anything B
 * published before it, so "once" is known when it arrives.
 */
class ReceiverDuplicatesTest {
    private static final String CREATE = "/opencloud/resource/create/1.0";
    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final Running running = new Running();
    private final PrivateKey senderKey = PrivateKey.generate();
    private Host sender;
    private DurableNode b;
    private CreatedResources onB;

    @BeforeEach
    void start() throws Exception {
        sender = new Host(HostConfig.withIdentity(senderKey)).start();
        running.add(sender);
        b = new DurableNode("node-b", dir.resolve("b"));
        running.add(b);
        b.partners(List.of(), peerJson(sender.peerId().toString(), "/ip4/127.0.0.1/tcp/1/p2p/" + sender.peerId(),
                "PARTNER").toString());
        b.start();
        b.process().awaitReady();
        onB = new CreatedResources(b.nats());
        running.add(onB);
    }

    @AfterEach
    void stop() throws Exception {
        running.closeAll();
    }

    @Test
    void anEventSentAgainIsConfirmedAndPublishedOnceAlsoAfterARestart() throws Exception {
        send("e-1", "r-1");
        send("e-1", "r-1"); // the sender did not see the confirmation: the same event again
        send(null, "r-no-id");
        send(null, "r-no-id"); // no id: published each time, as from a sender that gives none
        send("e-2", "r-2");
        onB.awaitAll(Set.of("r-2"), ARRIVAL);
        assertEquals(1, onB.count("r-1"), "the event sent twice is published once");
        assertEquals(2, onB.count("r-no-id"));
        assertEquals(1, b.process().metric(duplicates()));

        b.process().close(); // SIGTERM, as an operator restarts it
        b.start();
        b.process().awaitReady();
        send("e-1", "r-1");
        send("e-3", "r-3");
        onB.awaitAll(Set.of("r-3"), ARRIVAL);
        assertEquals(1, onB.count("r-1"), "a restarted node still knows the event");
        assertEquals(1, b.process().metric(duplicates()));
        Path ids = b.home().resolve("data").resolve(RecentEventIds.LOG_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ids)));
    }

    @Test
    void theRecordOfIdsSurvivesAKill() throws Exception {
        send("e-k", "r-k"); // confirmed: B's NATS has it and B recorded it
        onB.awaitAll(Set.of("r-k"), ARRIVAL);
        b.process().kill();
        b.start();
        b.process().awaitReady();

        send("e-k", "r-k");
        send("e-after", "r-after");
        onB.awaitAll(Set.of("r-after"), ARRIVAL);
        assertEquals(1, onB.count("r-k"), "an id received before the kill is not published again after it");
        assertEquals(1, b.process().metric(duplicates()));
    }

    private String duplicates() {
        return "oc_events_duplicate_total{peer=\"" + sender.peerId() + "\"}";
    }

    /** Writes one PB_CREATE of resource {@code resource} with event id {@code id} (none when null); B must confirm it. */
    private void send(String id, String resource) throws Exception {
        String event = "{\"type\":\"PB_CREATE\",\"from\":\"" + sender.peerId() + "\",\"datatype\":\"DATA_RESOURCE\","
                + "\"payload\":{\"id\":\"" + resource + "\"}" + (id == null ? "" : ",\"id\":\"" + id + "\"") + "}\n";
        Stream stream = openToB();
        stream.write(Unpooled.wrappedBuffer(event.getBytes(StandardCharsets.UTF_8)));
        stream.closeWrite();
        // B closes the stream once its NATS has the event (or had it): a reset would fail this
        stream.readToEnd(1024).get(10, TimeUnit.SECONDS);
    }

    /** A stream to B; right after B restarted, the host may first try the connection to the process that went. */
    private Stream openToB() throws Exception {
        long deadline = System.nanoTime() + ARRIVAL.toNanos();
        while (true) {
            try {
                return sender.newStream(Multiaddr.of(b.address()), List.of(CREATE)).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException staleConnection) {
                if (System.nanoTime() > deadline) {
                    throw staleConnection;
                }
                NodeFixture.sleep(Duration.ofMillis(100));
            }
        }
    }
}
