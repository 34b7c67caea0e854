package org.opencloud.discovery.p2p.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.interop.Interop.TIMEOUT;
import static org.opencloud.discovery.interop.Interop.await;
import static org.opencloud.discovery.interop.Interop.awaitTrue;
import static org.opencloud.discovery.interop.Interop.failure;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;

/**
 * Streams opened lazily ({@link Connection#newLazyStream}) between two Java hosts over real loopback TCP,
 * through a relay that can hold the listener's answers.
 */
class LazyStreamTest {
    private static final String PROTOCOL = "/test/lazy/1.0";
    private static final int MAX = 1 << 20;
    private final List<Host> hosts = new ArrayList<>();
    private final List<HoldingRelay> relays = new ArrayList<>();
    /** The first bytes of a request reached the handler. */
    private final CompletableFuture<String> arrived = new CompletableFuture<>();
    /** The whole request, once its FIN came. */
    private final CompletableFuture<String> received = new CompletableFuture<>();

    @AfterEach
    void stop() {
        relays.forEach(HoldingRelay::close);
        hosts.forEach(Host::close);
    }

    /** A host whose handler reads the request to its end, then answers it in three writes. */
    private Host host() {
        Host h = new Host(HostConfig.withIdentity(PrivateKey.generate()).listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")));
        StandardProtocols.install(h);
        h.handle(PROTOCOL, s -> s.setListener(new MuxedStream.Listener() {
            private final StringBuilder request = new StringBuilder();

            @Override
            public void onData(MuxedStream stream, ByteBuf data) {
                request.append(data.toString(StandardCharsets.UTF_8));
                data.release();
                arrived.complete(request.toString());
            }

            @Override
            public void onRemoteClose(MuxedStream stream) {
                received.complete(request.toString());
                for (String part : List.of("one,", "two,", "three")) {
                    s.write(Unpooled.copiedBuffer(part, StandardCharsets.UTF_8));
                }
                s.closeWrite();
            }

            @Override
            public void onReset(MuxedStream stream, Throwable cause) {
                received.completeExceptionally(cause);
            }
        }));
        hosts.add(h);
        return h.start();
    }

    private HoldingRelay relayTo(Host listener) throws Exception {
        HoldingRelay relay = new HoldingRelay(listener.listenAddresses().get(0).toTcpSocketAddress());
        relays.add(relay);
        return relay;
    }

    private static Connection connect(Host from, Host to, int port) {
        return await(from.connect(Multiaddr.of("/ip4/127.0.0.1/tcp/" + port).withPeerId(to.peerId())));
    }

    private static CompletableFuture<byte[]> request(Stream stream, String request) {
        stream.write(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
        stream.closeWrite();
        return stream.readToEnd(MAX);
    }

    @Test
    void sendsHeaderProposalAndDataBeforeAnyAnswerThenReadsTheAnswerInOrder() throws Exception {
        HeldRequest held = heldRequest();

        assertEquals(held.answeredBefore(), held.relay().forwardedToDialer(), "nothing reached the dialer meanwhile");
        assertFalse(held.reply().isDone());
        assertFalse(received.isDone(), "the FIN waits for the echo");

        // header and echo arrive: our FIN follows, then the three writes and the listener's FIN come back
        held.relay().release();
        assertEquals("one,two,three", new String(await(held.reply()), StandardCharsets.UTF_8));
        assertEquals("request", await(received));
        assertEquals(PROTOCOL, held.stream().protocol());
    }

    @Test
    void aRefusedProtocolFailsTheStreamClearlyAndTheConnectionServesOn() {
        Host a = host();
        Host b = host();
        Connection c = await(a.connect(b.listenAddresses().get(0).withPeerId(b.peerId())));

        Stream refused = await(c.newLazyStream("/nope/1.0"));
        Throwable failure = failure(request(refused, "lost"));
        assertEquals("cannot open /nope/1.0 with " + b.peerId() + ": protocol not supported: [/nope/1.0]",
                failure.getMessage());
        awaitTrue(TIMEOUT, "the refused stream is reset", () -> refused.closeFuture().isDone());
        assertFalse(arrived.isDone(), "the refused request reached no handler");

        assertTrue(c.isOpen(), "the connection survives a refused stream");
        assertEquals("one,two,three", new String(await(request(await(c.newLazyStream(PROTOCOL)), "again")),
                StandardCharsets.UTF_8));
        assertEquals("again", await(received));
    }

    @Test
    void aListenerGoneBeforeAnsweringFailsTheStream() throws Exception {
        HeldRequest held = heldRequest();
        held.listener().close(); // its echo and answer never reach the dialer

        Throwable failure = failure(held.reply());
        assertTrue(failure.getMessage().startsWith("cannot open " + PROTOCOL + " with " + held.listener().peerId()
                + ": "), failure.getMessage());
        assertTrue(failure.getMessage().contains("during multistream negotiation"), failure.getMessage());
    }

    /** A request on a lazy stream, through a relay that holds the listener's answers, once it reached the handler. */
    private record HeldRequest(Host listener, HoldingRelay relay, long answeredBefore, Stream stream,
                               CompletableFuture<byte[]> reply) {
    }

    private HeldRequest heldRequest() throws Exception {
        Host a = host();
        Host b = host();
        HoldingRelay relay = relayTo(b);
        Connection c = connect(a, b, relay.port());
        relay.hold();
        long answeredBefore = relay.forwardedToDialer();
        Stream stream = await(c.newLazyStream(PROTOCOL));
        CompletableFuture<byte[]> reply = request(stream, "request");
        assertEquals("request", await(arrived), "the request reached the handler while the listener's answers were held");
        return new HeldRequest(b, relay, answeredBefore, stream, reply);
    }
}
