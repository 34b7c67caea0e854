package org.opencloud.discovery.camel;

import org.apache.camel.AsyncProducer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.interop.Interop.awaitTrue;

/** Many messages at once from A's producers over real loopback TCP: what the delivery window bounds. */
class Libp2pBurstTest {
    private static final String PROTOCOL = "/test/burst/1.0";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final List<Libp2pNode> nodes = new ArrayList<>();
    private final AtomicInteger atOnce = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        nodes.forEach(Libp2pNode::close);
    }

    /** A receiver that takes each message 20 ms later without holding a thread, counting those it has at once. */
    private Libp2pNode unhurriedReceiver(String name) throws Exception {
        return node(name, new RouteBuilder() {
            @Override
            public void configure() {
                from("libp2p:" + PROTOCOL)
                        .process(exchange -> mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max))
                        .delay(20).asyncDelayed()
                        .process(exchange -> atOnce.decrementAndGet());
            }
        });
    }

    /** A receiver that holds every message until the test ends it. */
    private Libp2pNode holdingReceiver(String name) throws Exception {
        return node(name, new RouteBuilder() {
            @Override
            public void configure() {
                from("libp2p:" + PROTOCOL).process(exchange -> {
                    held.incrementAndGet();
                    release.await(30, TimeUnit.SECONDS);
                });
            }
        });
    }

    private Libp2pNode node(String name, RouteBuilder routes) throws Exception {
        Libp2pNode node = Libp2pNode.start(dir, name).routes(routes);
        nodes.add(node);
        return node;
    }

    private static List<CompletableFuture<Exchange>> send(Libp2pNode from, String uri, int count) throws Exception {
        Endpoint endpoint = from.context.getEndpoint(uri);
        AsyncProducer producer = endpoint.createAsyncProducer();
        producer.start();
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Exchange exchange = endpoint.createExchange();
            exchange.getMessage().setBody(("message " + i).getBytes(StandardCharsets.UTF_8));
            sent.add(producer.processAsync(exchange));
        }
        return sent;
    }

    private static String to(Libp2pNode peer) {
        return "libp2p:" + PROTOCOL + "?peerAddress=" + peer.address();
    }

    private static void assertAllDelivered(List<CompletableFuture<Exchange>> sent) throws Exception {
        for (CompletableFuture<Exchange> one : sent) {
            Exchange exchange = one.get(60, TimeUnit.SECONDS);
            assertNull(exchange.getException(), () -> "a delivery failed: " + exchange.getException());
        }
    }

    @Test
    void aBurstBeyondTheNodesOwnStreamLimitsIsDeliveredWholeAtMostTheBoundAtOnce() throws Exception {
        Libp2pNode b = unhurriedReceiver("b");
        Libp2pNode a = node("a", new RouteBuilder() {
            @Override
            public void configure() {
            }
        });

        // 3,000 at once: beyond the resource manager's 256 outbound streams per peer and 2,048 per protocol
        List<CompletableFuture<Exchange>> sent = send(a, to(b), 3000);

        assertAllDelivered(sent);
        assertTrue(mostAtOnce.get() <= 32, "B had " + mostAtOnce.get() + " at once, more than maxDeliveriesInFlightPerPeer");
        assertTrue(mostAtOnce.get() > 1, "the deliveries went " + mostAtOnce.get() + " at a time, not in parallel");
        assertEquals(0, a.component.deliveryWindow().waiting());
    }

    @Test
    void aPeerThatHoldsItsMessagesHoldsUpNoOtherPeer() throws Exception {
        Libp2pNode slow = holdingReceiver("slow");
        Libp2pNode quick = unhurriedReceiver("quick");
        Libp2pNode a = Libp2pNode.start(dir, "a", component -> component.setMaxDeliveriesInFlightPerPeer(2));
        nodes.add(a);

        List<CompletableFuture<Exchange>> toSlow = send(a, to(slow) + "&timeout=60000", 10);
        List<CompletableFuture<Exchange>> toQuick = send(a, to(quick), 10);

        assertAllDelivered(toQuick);
        awaitTrue(WAIT, "the slow peer holds its first two", () -> held.get() == 2);
        assertEquals(8, a.component.deliveryWindow().waiting(), "the slow peer's others wait in A");
        assertEquals(2, held.get(), "no more than maxDeliveriesInFlightPerPeer went to the slow peer");
        release.countDown();
        assertAllDelivered(toSlow);
        assertEquals(10, held.get());
    }

    @Test
    void aReceiverWhoseWorkersAreAllBusyQueuesWhatArrivesInsteadOfResettingIt() throws Exception {
        Libp2pNode b = holdingReceiver("b");
        Libp2pNode a = Libp2pNode.start(dir, "a", component -> component.setMaxDeliveriesInFlightPerPeer(64));
        nodes.add(a);

        // more at once than B has worker threads (20, the most Camel's default profile allows), each held by B's route
        List<CompletableFuture<Exchange>> sent = send(a, to(b) + "&timeout=60000", 64);
        awaitTrue(WAIT, "B holds every stream open, none reset",
                () -> b.component.activeHost().resources().protocolUsage(PROTOCOL).streamsInbound() == 64);
        release.countDown();

        assertAllDelivered(sent);
        assertEquals(64, held.get());
    }

    @Test
    void theWorkersTakeEveryTaskGivenWhileAllOfThemAreBusy() throws Exception {
        Libp2pNode b = node("b", new RouteBuilder() {
            @Override
            public void configure() {
            }
        });
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100; i++) { // Camel reads a queue size of -1 as none: the 21st was refused
            b.component.workerPool().execute(() -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                    ran.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        release.countDown();
        awaitTrue(WAIT, "every task ran", () -> ran.get() == 100);
    }

    @Test
    void aMessageThatFindsNoRoomWithinItsTimeoutFailsAndSaysSo() throws Exception {
        Libp2pNode b = holdingReceiver("b");
        Libp2pNode a = Libp2pNode.start(dir, "a", component -> component.setMaxDeliveriesInFlightPerPeer(1));
        nodes.add(a);

        CompletableFuture<Exchange> first = send(a, to(b) + "&timeout=60000", 1).get(0);
        awaitTrue(WAIT, "B holds the first message", () -> held.get() == 1);
        Exchange second = send(a, to(b) + "&timeout=300", 1).get(0).get(20, TimeUnit.SECONDS);

        Libp2pProducerException e = assertInstanceOf(Libp2pProducerException.class, second.getException());
        assertTrue(e.getMessage().contains("no room to start within 300 ms"), e.getMessage());
        release.countDown();
        assertNull(first.get(20, TimeUnit.SECONDS).getException());
        // the one that timed out gave its place back and was never sent: the next one goes, and is B's second
        assertNull(send(a, to(b), 1).get(0).get(20, TimeUnit.SECONDS).getException());
        assertEquals(2, held.get(), "B got the first and the third, not the one that timed out");
    }

    @Test
    void whatWaitsWhenTheComponentStopsFailsAtOnce() throws Exception {
        Libp2pNode b = holdingReceiver("b");
        Libp2pNode a = Libp2pNode.start(dir, "a", component -> component.setMaxDeliveriesInFlightPerPeer(1));
        nodes.add(a);
        List<CompletableFuture<Exchange>> sent = send(a, to(b) + "&timeout=60000", 3);
        awaitTrue(WAIT, "one at B, two waiting in A",
                () -> held.get() == 1 && a.component.deliveryWindow().waiting() == 2);

        a.context.stop();

        for (CompletableFuture<Exchange> one : sent) { // long before the 60 s timeout
            Exchange exchange = one.get(20, TimeUnit.SECONDS);
            assertInstanceOf(Libp2pProducerException.class, exchange.getException());
        }
        assertEquals(1, held.get(), "nothing more reached B");
    }
}
