package org.opencloud.discovery.p2p.host;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.pnet.SwarmKey;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.identify.IdentifyService;
import org.opencloud.discovery.p2p.protocol.identify.PeerInfo;
import org.opencloud.discovery.p2p.protocol.ping.PingService;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two Java hosts over real loopback TCP. */
class HostTest {
    private static final String ECHO = "/test/echo/1.0";
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void stop() {
        hosts.forEach(Host::close);
    }

    private Host host(SwarmKey psk) {
        Host h = new Host(HostConfig.withIdentity(PrivateKey.generate())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .privateNetworkKey(psk));
        StandardProtocols.install(h);
        h.handle(ECHO, s -> s.readToEnd(1 << 24).thenAccept(bytes -> {
            s.write(Unpooled.wrappedBuffer(bytes));
            s.closeWrite();
        }));
        hosts.add(h);
        return h.start();
    }

    private static Multiaddr addressOf(Host h) {
        return h.listenAddresses().get(0).withPeerId(h.peerId());
    }

    private static byte[] echo(Host from, Host to, byte[] message) throws Exception {
        Stream s = from.newStream(addressOf(to), List.of(ECHO)).get(10, TimeUnit.SECONDS);
        s.write(Unpooled.wrappedBuffer(message));
        s.closeWrite();
        return s.readToEnd(1 << 24).get(10, TimeUnit.SECONDS);
    }

    @Test
    void echoesAMessageAndReusesTheConnection() throws Exception {
        Host a = host(null);
        Host b = host(null);
        byte[] msg = "hello over libp2p".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(msg, echo(a, b, msg));
        assertArrayEquals(msg, echo(a, b, msg));
        assertEquals(1, a.connections().size());
        assertEquals(b.peerId(), a.connections().iterator().next().remotePeer());
    }

    @Test
    void echoesUnderAPrivateNetwork() throws Exception {
        SwarmKey psk = SwarmKey.generate();
        Host a = host(psk);
        Host b = host(psk);
        byte[] big = new byte[4 << 20];
        new java.util.Random(7).nextBytes(big);
        assertArrayEquals(big, echo(a, b, big));
    }

    @Test
    void pingsAndIdentifies() throws Exception {
        Host a = host(null);
        Host b = host(null);
        Connection c = a.connect(addressOf(b)).get(10, TimeUnit.SECONDS);
        Duration rtt = PingService.ping(c).get(10, TimeUnit.SECONDS);
        assertTrue(rtt.toMillis() < 5000, "rtt " + rtt);
        PeerInfo info = IdentifyService.install(a).identify(c).get(10, TimeUnit.SECONDS);
        assertTrue(info.protocols().contains(ECHO), info.protocols().toString());
        assertTrue(info.agentVersion().startsWith("oc-discovery-camel/"), info.agentVersion());
    }

    @Test
    void concurrentDialsShareOneConnection() throws Exception {
        Host a = host(null);
        Host b = host(null);
        CompletableFuture<Connection> first = a.connect(addressOf(b));
        CompletableFuture<Connection> second = a.connect(addressOf(b));
        assertSame(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS));
    }
}
