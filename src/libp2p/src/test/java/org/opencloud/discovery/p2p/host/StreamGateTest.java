package org.opencloud.discovery.p2p.host;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.interop.Interop.ECHO;
import static org.opencloud.discovery.interop.Interop.TIMEOUT;
import static org.opencloud.discovery.interop.Interop.addressOf;
import static org.opencloud.discovery.interop.Interop.assertEchoes;
import static org.opencloud.discovery.interop.Interop.awaitTrue;
import static org.opencloud.discovery.interop.Interop.config;
import static org.opencloud.discovery.interop.Interop.failure;
import static org.opencloud.discovery.interop.Interop.serveEcho;

/** The stream gate between Java hosts over loopback TCP: admitted, refused, and peers backed off. */
class StreamGateTest {
    private static final String SECRET = "/test/secret/1.0";
    private static final int REFUSALS_BEFORE_BACKOFF = 3;
    private final List<Host> hosts = new ArrayList<>();
    private final AtomicInteger secretHandled = new AtomicInteger();

    @AfterEach
    void stop() {
        hosts.forEach(Host::close);
    }

    /** A host serving ECHO to anyone and SECRET to no one (its gate refuses it). */
    private Host server() {
        Host h = new Host(config(null)
                .streamGate((peer, protocol) -> SECRET.equals(protocol) ? "secret is closed to " + peer : null)
                .streamRefusalsBeforeBackoff(REFUSALS_BEFORE_BACKOFF)
                .streamRefusalWindow(Duration.ofSeconds(30))
                .peerBackoff(Duration.ofMinutes(5)));
        StandardProtocols.install(h);
        serveEcho(h);
        h.handle(SECRET, s -> secretHandled.incrementAndGet());
        return started(h);
    }

    private Host client() {
        return started(new Host(config(null)));
    }

    private Host started(Host h) {
        hosts.add(h);
        return h.start();
    }

    /** Writes 1 MiB on a SECRET stream: its opening fails, or the stream is reset before the message ends. */
    private static void assertRefused(Host from, Multiaddr to) {
        CompletableFuture<byte[]> reply = from.newStream(to, List.of(SECRET)).thenCompose(s -> {
            s.write(Unpooled.wrappedBuffer(new byte[1 << 20]));
            s.closeWrite();
            return s.readToEnd(1 << 20);
        });
        failure(reply);
    }

    @Test
    void admitsWhatTheGateAdmits() {
        Host server = server();
        assertEchoes(client(), addressOf(server));
        assertEquals(0, server.refusedStreams());
    }

    @Test
    void refusedStreamIsResetBeforeItsHandlerRuns() {
        Host server = server();
        Host stranger = client();

        assertRefused(stranger, addressOf(server));

        awaitTrue(TIMEOUT, "the refusal counted", () -> server.refusedStreams() == 1);
        assertEquals(0, secretHandled.get(), "the handler never saw the stream");
        assertEquals(0, server.peerBackoffs());
        assertEchoes(stranger, addressOf(server)); // one refusal leaves the connection open
    }

    @Test
    void repeatedRefusalsDisconnectAndBackOffThePeer() {
        Host server = server();
        Host stranger = client();
        Host witness = client();
        assertEchoes(witness, addressOf(server));

        for (int i = 0; i < REFUSALS_BEFORE_BACKOFF; i++) {
            assertRefused(stranger, addressOf(server));
        }

        awaitTrue(TIMEOUT, "the stranger backed off", () -> server.peerBackoffs() == 1);
        awaitTrue(TIMEOUT, "the stranger disconnected", () -> !server.connectedPeers().contains(stranger.peerId())
                && !stranger.connectedPeers().contains(server.peerId()));
        long refusedConnections = server.refusedPeers();
        failure(stranger.newStream(addressOf(server), List.of(ECHO)));
        assertTrue(server.refusedPeers() > refusedConnections, "its new connection refused by the host");
        assertEquals(0, secretHandled.get());
        assertEchoes(witness, addressOf(server));
        assertTrue(server.connectedPeers().contains(witness.peerId()), "the witness kept its connection");
    }
}
