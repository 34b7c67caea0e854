package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.core.PeerId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;

/**
 * DHT servers we know, in k-buckets by the length of the prefix their id shares with ours: at most k a
 * bucket, so at most 257·k in all. Within a bucket the least recently seen come first; a full bucket makes room
 * by dropping the least recently seen peer that is not live (connected now), and refuses the newcomer when
 * every one is live: peers that stay up are worth more than new ones, and a flood of new ids cannot push them out.
 */
final class RoutingTable {
    private final KadId self;
    private final int k;
    private final Predicate<PeerId> live;
    private final List<LinkedHashMap<PeerId, KadPeer>> buckets = new ArrayList<>();

    RoutingTable(PeerId self, int k, Predicate<PeerId> live) {
        this.self = KadId.of(self);
        this.k = k;
        this.live = live;
        for (int i = 0; i <= KadId.BITS; i++) {
            buckets.add(new LinkedHashMap<>(16, 0.75f, true));
        }
    }

    /** Adds or refreshes {@code peer} (its new addresses win when it gives some); false when refused. */
    synchronized boolean add(KadPeer peer) {
        KadId id = KadId.of(peer.id());
        if (id.equals(self)) {
            return false;
        }
        LinkedHashMap<PeerId, KadPeer> bucket = buckets.get(self.commonPrefixLength(id));
        KadPeer known = bucket.get(peer.id()); // an access: it becomes the most recently seen
        if (known != null) {
            if (!peer.addresses().isEmpty()) {
                bucket.put(peer.id(), peer);
            }
            return true;
        }
        if (bucket.size() >= k && !evictStale(bucket)) {
            return false;
        }
        bucket.put(peer.id(), peer);
        return true;
    }

    private boolean evictStale(LinkedHashMap<PeerId, KadPeer> bucket) {
        for (Iterator<PeerId> it = bucket.keySet().iterator(); it.hasNext(); ) {
            if (!live.test(it.next())) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    synchronized void remove(PeerId peer) {
        buckets.get(self.commonPrefixLength(KadId.of(peer))).remove(peer);
    }

    synchronized KadPeer find(PeerId peer) {
        return buckets.get(self.commonPrefixLength(KadId.of(peer))).get(peer);
    }

    /** The {@code n} known peers nearest {@code target}, nearest first. */
    synchronized List<KadPeer> closest(KadId target, int n) {
        record Ranked(KadPeer peer, byte[] distance) {
        }
        List<Ranked> all = new ArrayList<>();
        for (LinkedHashMap<PeerId, KadPeer> bucket : buckets) {
            for (KadPeer p : bucket.values()) {
                all.add(new Ranked(p, target.distance(KadId.of(p.id()))));
            }
        }
        all.sort(Comparator.comparing(Ranked::distance, Arrays::compareUnsigned));
        return all.stream().limit(n).map(Ranked::peer).toList();
    }

    synchronized int size() {
        return buckets.stream().mapToInt(LinkedHashMap::size).sum();
    }

    /** Peers in the bucket of common prefix length {@code cpl}, least recently seen first. */
    synchronized List<PeerId> bucket(int cpl) {
        return List.copyOf(buckets.get(cpl).keySet());
    }
}
