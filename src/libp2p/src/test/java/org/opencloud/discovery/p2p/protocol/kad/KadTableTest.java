package org.opencloud.discovery.p2p.protocol.kad;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keyspace distance and the routing table's buckets. */
class KadTableTest {
    private static PeerId randomPeer() {
        return PrivateKey.generate().peerId();
    }

    @Test
    void distanceIsXorOfSha256AndPrefixLengthCountsSharedBits() {
        KadId a = KadId.ofKey(new byte[] {1});
        KadId b = KadId.ofKey(new byte[] {2});
        assertArrayEquals(new byte[32], a.distance(a));
        assertArrayEquals(a.distance(b), b.distance(a));
        assertEquals(KadId.BITS, a.commonPrefixLength(a));
        byte[] d = a.distance(b);
        int expected = 0;
        while (expected < 256 && (d[expected / 8] & (0x80 >>> (expected % 8))) == 0) {
            expected++;
        }
        assertEquals(expected, a.commonPrefixLength(b));
    }

    @Test
    void closestAreSortedByDistanceToTheTarget() {
        PeerId self = randomPeer();
        RoutingTable table = new RoutingTable(self, KadConfig.K, p -> true);
        List<PeerId> peers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            peers.add(randomPeer());
            table.add(new KadPeer(peers.get(i), List.of()));
        }
        KadId target = KadId.ofKey(new byte[] {42});
        List<PeerId> expected = peers.stream().filter(p -> table.find(p) != null)
                .sorted(target.byDistance()).limit(KadConfig.K).toList();
        assertEquals(expected, table.closest(target, KadConfig.K).stream().map(KadPeer::id).toList());
    }

    @Test
    void aFullBucketDropsItsLeastRecentlySeenStalePeerAndKeepsLiveOnes() {
        PeerId self = randomPeer();
        Set<PeerId> live = new HashSet<>();
        RoutingTable table = new RoutingTable(self, KadConfig.K, live::contains);
        KadId me = KadId.of(self);
        List<PeerId> bucket0 = new ArrayList<>();
        while (bucket0.size() < KadConfig.K + 2) { // half of all ids share no leading bit with ours
            PeerId p = randomPeer();
            if (me.commonPrefixLength(KadId.of(p)) == 0) {
                bucket0.add(p);
            }
        }
        for (PeerId p : bucket0.subList(0, KadConfig.K)) {
            assertTrue(table.add(new KadPeer(p, List.of())));
            live.add(p);
        }
        assertFalse(table.add(new KadPeer(bucket0.get(KadConfig.K), List.of())), "all live: the newcomer waits");
        table.add(new KadPeer(bucket0.get(0), List.of())); // seen again: now the most recent
        live.remove(bucket0.get(0));
        live.remove(bucket0.get(1));
        assertTrue(table.add(new KadPeer(bucket0.get(KadConfig.K), List.of())));
        assertEquals(KadConfig.K, table.bucket(0).size());
        assertFalse(table.bucket(0).contains(bucket0.get(1)), "the least recently seen stale peer went");
        assertTrue(table.bucket(0).contains(bucket0.get(0)));
        assertEquals(bucket0.get(KadConfig.K), table.bucket(0).get(KadConfig.K - 1));
        assertFalse(table.add(new KadPeer(self, List.of())), "never ourselves");
    }

    @Test
    void theTableHoldsAtMostKPerBucket() {
        RoutingTable table = new RoutingTable(randomPeer(), KadConfig.K, p -> true);
        for (int i = 0; i < 300; i++) {
            table.add(new KadPeer(randomPeer(), List.of()));
        }
        for (int cpl = 0; cpl <= KadId.BITS; cpl++) {
            assertTrue(table.bucket(cpl).size() <= KadConfig.K);
        }
        assertTrue(table.bucket(0).size() == KadConfig.K && table.size() < 300, Arrays.toString(new int[] {table.size()}));
    }
}
