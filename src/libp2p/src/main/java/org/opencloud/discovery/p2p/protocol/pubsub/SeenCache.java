package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids of the messages seen within the TTL, oldest first, at most {@code max} (a flood of distinct valid messages
 * then evicts the oldest early instead of growing the map). Used on the router's thread only.
 */
final class SeenCache {
    private final long ttlNanos;
    private final int max;
    private final LinkedHashMap<ByteString, Long> seen = new LinkedHashMap<>();

    SeenCache(long ttlNanos, int max) {
        this.ttlNanos = ttlNanos;
        this.max = max;
    }

    boolean contains(ByteString id) {
        return seen.containsKey(id);
    }

    /** Records {@code id}; false when it was there already. */
    boolean add(ByteString id, long nowNanos) {
        if (seen.putIfAbsent(id, nowNanos) != null) {
            return false;
        }
        if (seen.size() > max) {
            Iterator<ByteString> oldest = seen.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    void expire(long nowNanos) {
        for (Iterator<Map.Entry<ByteString, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().getValue() < ttlNanos) {
                return;
            }
            it.remove();
        }
    }

    int size() {
        return seen.size();
    }
}
