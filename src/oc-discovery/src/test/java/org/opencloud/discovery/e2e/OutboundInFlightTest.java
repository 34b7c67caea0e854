package org.opencloud.discovery.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * Best effort (no JetStream), towards a partner that takes its time to confirm each event: the node has at most
 * {@code oc.outbound.queue-size} events on their way at once (the next one waits until one is done), and every
 * event still arrives.
 */
class OutboundInFlightTest {
    private static final String CREATE = "/opencloud/resource/create/1.0";
    private static final int QUEUE_SIZE = 3;
    private static final int EVENTS = 12;
    /** How long the partner keeps each stream open before it confirms the event: a slow partner. */
    private static final Duration CONFIRM_AFTER = Duration.ofMillis(500);

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static Host slowPartner;
    private static final ScheduledExecutorService CONFIRMATIONS = Executors.newSingleThreadScheduledExecutor();
    private static final AtomicInteger OPEN = new AtomicInteger();
    private static final AtomicInteger MOST_OPEN = new AtomicInteger();
    private static final LinkedBlockingQueue<byte[]> RECEIVED = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        PrivateKey key = PrivateKey.generate();
        slowPartner = new Host(HostConfig.withIdentity(key).listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))).start();
        slowPartner.handle(CREATE, stream -> stream.readToEnd(64 * 1024).thenAccept(event -> {
            MOST_OPEN.accumulateAndGet(OPEN.incrementAndGet(), Math::max);
            CONFIRMATIONS.schedule(() -> {
                OPEN.decrementAndGet();
                RECEIVED.add(event);
                stream.closeWrite();
            }, CONFIRM_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        }));
        String address = slowPartner.listenAddresses().get(0) + "/p2p/" + key.peerId();
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")))
                .set("oc.outbound.queue-size", String.valueOf(QUEUE_SIZE))
                .peers(List.of(peerJson(key.peerId().toString(), address, "PARTNER"))).start();
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a);
        if (slowPartner != null) {
            slowPartner.close();
        }
        CONFIRMATIONS.shutdownNow();
    }

    @Test
    void atMostQueueSizeEventsAreOnTheirWayAndAllArrive() throws InterruptedException {
        for (int i = 0; i < EVENTS; i++) {
            a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "DATA_RESOURCE",
                    "{\"id\":\"slow-" + i + "\"}", false));
        }
        for (int i = 0; i < EVENTS; i++) {
            assertNotNull(RECEIVED.poll(NodeFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS), "event " + i + " arrived");
        }
        // more than queue-size open at once: the bound does not hold; fewer: the events went one after another
        assertEquals(QUEUE_SIZE, MOST_OPEN.get(), "events on their way to the slow partner at once");
    }
}
