package org.opencloud.discovery.camel;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the sending exchange sees when a message cannot be delivered, and that the node keeps working. Success
 * is only the receiver's close after its route completed: a reset, a route failing later, a receiver that goes
 * away before confirming, or no answer in time all fail the sender's exchange.
 */
class Libp2pFailureTest {
    @TempDir
    Path dir;
    private Libp2pNode a;
    private Libp2pNode b;
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        b = Libp2pNode.start(dir, "b").routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("libp2p:/test/msg/1.0?maxMessageSize=1024").to("mock:got");
                from("libp2p:/test/refuse/1.0").throwException(new IllegalStateException("B refuses"));
                from("libp2p:/test/slow/1.0").delay(3000).to("mock:slow");
                // as a receiver whose own store did not take the message: it fails later, on another thread
                from("libp2p:/test/late-failure/1.0").delay(200).asyncDelayed()
                        .throwException(new IllegalStateException("not accepted downstream"));
                from("libp2p:/test/held/1.0").process(exchange -> {
                    held.countDown();
                    release.await(30, TimeUnit.SECONDS);
                });
            }
        });
        a = Libp2pNode.start(dir, "a");
    }

    @AfterEach
    void stop() {
        release.countDown();
        a.close();
        b.close();
    }

    private String toB(String protocol) {
        return "libp2p:" + protocol + "?peerAddress=" + b.address();
    }

    private static Libp2pProducerException failure(Exchange sent) {
        return assertInstanceOf(Libp2pProducerException.class, sent.getException());
    }

    @Test
    void aPeerWithoutKnownAddressFailsTheExchange() {
        PeerId stranger = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
        Exchange sent = a.send("libp2p:/test/msg/1.0?peerId=" + stranger, "hello");
        Libp2pProducerException e = failure(sent);
        assertEquals(stranger.toString(), e.getPeer());
        assertTrue(e.getMessage().contains("no address known"), e.getMessage());
        assertTrue(e.getMessage().contains("/test/msg/1.0"), e.getMessage());
    }

    @Test
    void anUnreachableAddressFailsTheExchange() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String unreachable = "/ip4/127.0.0.1/tcp/" + closedPort + "/p2p/" + b.peerId();
        Exchange sent = a.send("libp2p:/test/msg/1.0?timeout=5000&peerAddress=" + unreachable, "hello");
        Libp2pProducerException e = failure(sent);
        assertTrue(e.getMessage().startsWith("cannot deliver to peer " + b.peerId() + " on /test/msg/1.0"),
                e.getMessage());
    }

    @Test
    void aRouteFailureOnTheReceiverFailsTheSender() {
        Exchange sent = a.send(toB("/test/refuse/1.0"), "hello");
        assertTrue(failure(sent).getMessage().contains("reset"), sent.getException().getMessage());
    }

    /** The producer opens its streams lazily: the refusal arrives after the message left, and still says why. */
    @Test
    void aProtocolTheReceiverDoesNotServeFailsTheSenderClearlyAndTheNextMessageFlows() throws Exception {
        MockEndpoint got = b.mock("got");
        got.expectedBodiesReceived("served");

        Exchange refused = a.send(toB("/test/unserved/1.0"), "hello");
        Libp2pProducerException e = failure(refused);
        assertTrue(e.getMessage().contains("cannot open /test/unserved/1.0 with " + b.peerId()
                + ": protocol not supported: [/test/unserved/1.0]"), e.getMessage());

        assertNull(a.send(toB("/test/msg/1.0"), "served").getException());
        got.assertIsSatisfied(10_000);
    }

    @Test
    void anOversizedMessageIsRefusedAndTheNextOneFlows() throws Exception {
        MockEndpoint got = b.mock("got");
        got.expectedBodiesReceived("small");

        Exchange oversized = a.send(toB("/test/msg/1.0"), new byte[2048]);
        Exchange small = a.send(toB("/test/msg/1.0"), "small");

        failure(oversized);
        assertNull(small.getException());
        got.assertIsSatisfied(10_000);
        Libp2pConsumer consumer = (Libp2pConsumer) b.context.getRoutes().get(0).getConsumer();
        assertEquals(1, consumer.getDroppedMessages());
    }

    @Test
    void aWrongPeerIdInTheAddressFailsWithAMismatch() {
        PeerId impostor = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
        String wrong = b.address().withoutPeerId() + "/p2p/" + impostor;
        Exchange sent = a.send("libp2p:/test/msg/1.0?peerAddress=" + wrong, "hello");
        assertTrue(failure(sent).getMessage().contains("peer id mismatch"), sent.getException().getMessage());
    }

    @Test
    void aReceiverSlowerThanTheTimeoutFailsTheSender() {
        Exchange sent = a.send(toB("/test/slow/1.0") + "&timeout=300", "hello");
        assertTrue(failure(sent).getMessage().contains("no answer within 300 ms"), sent.getException().getMessage());
    }

    @Test
    void aReceiverThatFailsLaterFailsTheSender() {
        Exchange sent = a.send(toB("/test/late-failure/1.0"), "hello");
        assertTrue(failure(sent).getMessage().contains("reset"), sent.getException().getMessage());
    }

    @Test
    void aReceiverThatGoesAwayBeforeConfirmingFailsTheSenderAtOnce() throws Exception {
        CompletableFuture<Exchange> sending = CompletableFuture.supplyAsync(
                () -> a.send(toB("/test/held/1.0") + "&timeout=60000", "hello"));
        assertTrue(held.await(10, TimeUnit.SECONDS), "B's route got the message");
        b.component.activeHost().close(); // B's connections go, as in a crash, while its route still holds the message

        Exchange sent = sending.get(20, TimeUnit.SECONDS); // long before the 60 s timeout
        Libp2pProducerException e = failure(sent);
        assertFalse(e.getMessage().contains("no answer within"), e.getMessage());
    }
}
