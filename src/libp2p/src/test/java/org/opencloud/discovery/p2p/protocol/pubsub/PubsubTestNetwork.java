package org.opencloud.discovery.p2p.protocol.pubsub;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Java hosts with gossipsub on loopback TCP for the pubsub tests, closed together. */
final class PubsubTestNetwork implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** A host with gossipsub, and what its subscriptions received. */
    record Node(Host host, Gossipsub pubsub, List<PubsubMessage> received) {
        /** Subscribes {@code topic}, keeping what arrives in {@link #received}. */
        Subscription join(String topic) {
            return pubsub.subscribe(topic, received::add);
        }

        long receivedData(String data) {
            return received.stream().filter(m -> new String(m.data(), StandardCharsets.UTF_8).equals(data)).count();
        }
    }

    final List<Host> hosts = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();

    /** go's defaults but a 200 ms heartbeat, so meshes form and gossip flows in a test's time. */
    static GossipConfig config() {
        return new GossipConfig().heartbeat(Duration.ofMillis(200));
    }

    static Multiaddr addressOf(Host h) {
        return h.listenAddresses().get(0).withPeerId(h.peerId());
    }

    /** A started host with identify and ping only. */
    Host host() {
        Host h = new Host(HostConfig.withIdentity(PrivateKey.generate()).ioThreads(1)
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")));
        hosts.add(h);
        return h.start();
    }

    /** A started host with identify, ping and gossipsub. */
    Node node(GossipConfig config) {
        Host h = host();
        Node n = new Node(h, Gossipsub.install(h, StandardProtocols.install(h), config), new CopyOnWriteArrayList<>());
        nodes.add(n);
        return n;
    }

    static void connect(Host from, Host to) throws Exception {
        from.connect(addressOf(to)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Polls {@code condition} until it holds or {@link #WAIT} passes; fails with {@code what} then. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + WAIT + ": " + what);
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        nodes.forEach(n -> n.pubsub().close());
        hosts.forEach(Host::close);
    }
}
