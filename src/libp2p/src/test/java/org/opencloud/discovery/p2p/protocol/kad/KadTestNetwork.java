package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Java hosts on loopback TCP for the DHT tests, closed together. */
final class KadTestNetwork implements AutoCloseable {
    final List<Host> hosts = new ArrayList<>();
    final List<KadDht> dhts = new ArrayList<>();

    /** The tests' settings: records {@code /test/<seq>:<text>}, no periodic refresh, short timeouts. */
    static KadConfig config() {
        return new KadConfig().validator("test", new SeqValidator()).refreshInterval(Duration.ZERO)
                .queryTimeout(Duration.ofSeconds(5)).lookupTimeout(Duration.ofSeconds(20));
    }

    static Multiaddr addressOf(Host h) {
        return h.listenAddresses().get(0).withPeerId(h.peerId());
    }

    /** A started host with no protocols. */
    Host host() {
        Host h = new Host(HostConfig.withIdentity(PrivateKey.generate()).ioThreads(1)
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")));
        hosts.add(h);
        return h.start();
    }

    /** A started host with identify, ping and the DHT. */
    KadDht dht(KadConfig config) {
        Host h = host();
        KadDht dht = KadDht.install(h, StandardProtocols.install(h), config);
        dhts.add(dht);
        return dht;
    }

    Host last() {
        return hosts.get(hosts.size() - 1);
    }

    @Override
    public void close() {
        dhts.forEach(KadDht::close);
        hosts.forEach(Host::close);
    }
}
