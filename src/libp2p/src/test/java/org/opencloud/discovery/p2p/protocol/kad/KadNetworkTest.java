package org.opencloud.discovery.p2p.protocol.kad;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.Host;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Java hosts on loopback TCP, each running the DHT, joined in a line: each knows only the one before it. */
class KadNetworkTest {
    private static final Logger LOG = LoggerFactory.getLogger(KadNetworkTest.class);
    static final int NODES = 16;
    private final KadTestNetwork net = new KadTestNetwork();
    private final List<Host> hosts = net.hosts;
    private final List<KadDht> dhts = net.dhts;

    @AfterEach
    void stop() {
        net.close();
    }

    private static KadConfig config() {
        return KadTestNetwork.config();
    }

    private KadDht dht(KadConfig config) {
        return net.dht(config);
    }

    private static Multiaddr addressOf(Host h) {
        return KadTestNetwork.addressOf(h);
    }

    private void line(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            KadDht dht = dht(config());
            if (i > 0) {
                dht.bootstrap(List.of(addressOf(hosts.get(i - 1)))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A new DHT node connected to {@code seed} only, with the seed in its table (identify told it). */
    private KadDht newcomer(Host seed) throws Exception {
        KadDht dht = dht(config());
        hosts.get(hosts.size() - 1).connect(addressOf(seed)).get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (dht.tableSize() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, dht.tableSize());
        return dht;
    }

    @Test
    void findPeerAndGetValueReachPeersTheAskerIsNotConnectedTo() throws Exception {
        line(NODES);
        assertEquals(NODES - 1, dhts.get(0).refresh().get(30, TimeUnit.SECONDS), "the first host learnt of all");
        Host last = hosts.get(NODES - 1);
        PeerId first = hosts.get(0).peerId();
        long start = System.nanoTime();
        ClosestPeers lookup = dhts.get(NODES - 1).closestPeers(first).get(30, TimeUnit.SECONDS);
        LOG.info("FIND_NODE lookup across {} nodes: {} queries, {} hops, {} ms", NODES, lookup.queries(), lookup.hops(),
                (System.nanoTime() - start) / 1_000_000);
        assertEquals(first, lookup.peers().get(0));

        KadDht finder = newcomer(last);
        Host finderHost = hosts.get(hosts.size() - 1);
        assertFalse(finderHost.connectedPeers().contains(first));
        start = System.nanoTime();
        Optional<List<Multiaddr>> found = finder.findPeer(first).get(30, TimeUnit.SECONDS);
        LOG.info("findPeer through one known peer: {} ms", (System.nanoTime() - start) / 1_000_000);
        assertEquals(Optional.of(hosts.get(0).listenAddresses()), found);

        byte[] value = SeqValidator.value(7, "from the first host");
        assertEquals(NODES, dhts.get(0).putValue("/test/shared", value).get(30, TimeUnit.SECONDS));
        KadDht getter = newcomer(last);
        assertFalse(hosts.get(hosts.size() - 1).connectedPeers().contains(first));
        start = System.nanoTime();
        assertArrayEquals(value, getter.getValue("/test/shared").get(30, TimeUnit.SECONDS).orElseThrow());
        LOG.info("getValue through one known peer: {} ms", (System.nanoTime() - start) / 1_000_000);

        byte[] newer = SeqValidator.value(8, "newer");
        dhts.get(3).putValue("/test/shared", newer).get(30, TimeUnit.SECONDS);
        assertArrayEquals(newer, dhts.get(9).getValue("/test/shared").get(30, TimeUnit.SECONDS).orElseThrow());
        assertEquals(Optional.empty(), getter.getValue("/test/absent").get(30, TimeUnit.SECONDS));
    }

    @Test
    void aClientAsksButIsNeverInATable() throws Exception {
        line(4);
        KadDht client = dht(config().serverMode(false));
        Host clientHost = hosts.get(hosts.size() - 1);
        client.bootstrap(List.of(addressOf(hosts.get(3)))).get(30, TimeUnit.SECONDS);
        assertFalse(clientHost.protocols().contains(client.protocol()));
        assertTrue(client.tableSize() >= 3);
        client.putValue("/test/c", SeqValidator.value(1, "client")).get(30, TimeUnit.SECONDS);
        assertTrue(dhts.get(0).getValue("/test/c").get(30, TimeUnit.SECONDS).isPresent());
        assertEquals(0, client.storedRecords());
        for (KadDht server : dhts.subList(0, 4)) {
            assertFalse(server.inTable(clientHost.peerId()));
        }
    }
}
