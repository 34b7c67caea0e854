package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.camel.Libp2pComponent;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.kad.KadConfig;
import org.opencloud.discovery.p2p.protocol.kad.KadDht;
import org.opencloud.discovery.p2p.protocol.kad.AnyValueValidator;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.TolerantJson;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.directory.Relation;
import org.opencloud.discovery.propagation.directory.SignedNodeRecords;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;

/**
 * Node records that lie, on the DHT of two nodes (A and B know each other): a peer that is no partner of
 * either joins their DHT with a store that takes anything, and offers a record of itself signed by another
 * key, one whose signature was altered, or one past its expiry. B refuses each when it is put to it, and A,
 * asking for that peer, is told it was not found although the liar answers its GET_VALUE with the record; the
 * same liar's honest record is then found (so the lookups did reach it).
 */
class ForgedNodeRecordTest {
    private static final Duration LIFETIME = Duration.ofMinutes(2);
    private static final TolerantJson JSON = new TolerantJson(CodecTable.defaults());

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;
    private static final Running liars = new Running();

    @BeforeAll
    static void start() throws Exception {
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")));
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")));
        a.peers(List.of(peerJson(b.peerId(), b.address(), "PARTNER"))).start();
        b.peers(List.of(peerJson(a.peerId(), a.address(), "PARTNER"))).start();
    }

    @AfterAll
    static void stop() throws Exception {
        liars.closeAll();
        NodeFixture.closeAll(a, b);
    }

    @Test
    void recordsSignedByAnotherKeyTamperedOrExpiredAreRefusedOnPutAndOnGet() throws Exception {
        long refusedBefore = dht(b).refusedRequests();

        Host signedByAnother = liar(host -> {
            Host other = started();
            return records(Clock.systemUTC()).seal(self(host), host.signedPeerRecord(host.advertisedAddresses()),
                    LIFETIME, other::seal);
        });
        Host tampered = liar(host -> {
            byte[] record = records(Clock.systemUTC()).seal(self(host),
                    host.signedPeerRecord(host.advertisedAddresses()), LIFETIME, host::seal);
            record[record.length - 1] ^= 1; // the envelope's signature comes last
            return record;
        });
        Host expired = liar(host -> records(Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC))
                .seal(self(host), host.signedPeerRecord(host.advertisedAddresses()), LIFETIME, host::seal));

        for (Host liar : List.of(signedByAnother, tampered, expired)) {
            JsonNode answer = a.searchPeer(liar.peerId().toString());
            assertFalse(answer.path("found").asBoolean(true), "A took a forged record of " + liar.peerId() + ": " + answer);
        }
        assertTrue(dht(b).refusedRequests() >= refusedBefore + 3,
                "B refused the three forged records put to it: " + (dht(b).refusedRequests() - refusedBefore));

        Host honest = liar(host -> records(Clock.systemUTC()).seal(self(host),
                host.signedPeerRecord(host.advertisedAddresses()), LIFETIME, host::seal));
        JsonNode found = a.searchPeer(honest.peerId().toString());
        assertEquals(honest.peerId().toString(), found.path("peer_id").asText(), "the honest record: " + found);
    }

    /** A host on A's and B's DHT whose store takes any {@code /node/} value, holding the record {@code forge} makes. */
    private static Host liar(Function<Host, byte[]> forge) throws Exception {
        Host host = started();
        KadDht dht = KadDht.install(host, StandardProtocols.install(host),
                new KadConfig().validator("node", new AnyValueValidator()).refreshInterval(Duration.ZERO));
        liars.add(dht);
        for (NodeFixture node : List.of(a, b)) {
            host.connect(Multiaddr.of(node.address())).get(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + NodeFixture.WAIT.toNanos();
        while (dht.tableSize() < 2 && System.nanoTime() < deadline) { // until identify told it A and B serve the DHT
            Thread.sleep(20);
        }
        assertEquals(2, dht.tableSize(), "A and B in the liar's table");
        dht.putValue("/node/" + host.peerId(), forge.apply(host)).get(30, TimeUnit.SECONDS);
        return host;
    }

    private static Host started() {
        Host host = new Host(HostConfig.withIdentity(PrivateKey.generate()).ioThreads(1)
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))).start();
        liars.add(host);
        return host;
    }

    private static SignedNodeRecords records(Clock clock) {
        return new SignedNodeRecords(JSON, clock, Duration.ofHours(2));
    }

    private static PeerRecord self(Host host) {
        return new PeerRecord(host.peerId().toString(), List.of(), null, Relation.SELF, "liar", "did:liar");
    }

    private static KadDht dht(NodeFixture node) {
        return node.node().context().getComponent("libp2p", Libp2pComponent.class).activeDht();
    }
}
