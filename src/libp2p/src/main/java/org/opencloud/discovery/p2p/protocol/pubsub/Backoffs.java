package org.opencloud.discovery.p2p.protocol.pubsub;

import org.opencloud.discovery.p2p.core.PeerId;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Who may not be grafted on which topic until when (after a PRUNE either way). Router thread only. */
final class Backoffs {
    private final Map<String, Map<PeerId, Long>> until = new HashMap<>();

    /** Backs {@code peer} off {@code topic} for {@code duration}, or longer if it already is. */
    void add(String topic, PeerId peer, Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        until.computeIfAbsent(topic, t -> new HashMap<>()).merge(peer, end, (a, b) -> b - a > 0 ? b : a);
    }

    boolean active(String topic, PeerId peer) {
        Map<PeerId, Long> t = until.get(topic);
        Long end = t == null ? null : t.get(peer);
        return end != null && System.nanoTime() - end < 0;
    }

    /** When the backoff of {@code peer} on {@code topic} ends, in {@link System#nanoTime()}; null when none. */
    Long end(String topic, PeerId peer) {
        Map<PeerId, Long> t = until.get(topic);
        return t == null ? null : t.get(peer);
    }

    void expire(long now) {
        until.values().forEach(t -> t.values().removeIf(end -> now - end >= 0));
        until.values().removeIf(Map::isEmpty);
    }
}
