package org.opencloud.discovery.p2p.protocol.kad;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The records this node holds for others, bounded in count and per-record size; each expires a fixed time after
 * it was stored (a fresher put renews it). When full, a new key pushes out the one stored longest ago.
 */
final class RecordStore {
    /** A held value and when it arrived. */
    record Entry(byte[] value, Instant received) {
    }

    private final int maxRecords;
    private final int maxValueSize;
    private final Duration maxAge;
    private final Clock clock;
    private final LinkedHashMap<ByteBuffer, Entry> entries = new LinkedHashMap<>();

    RecordStore(int maxRecords, int maxValueSize, Duration maxAge, Clock clock) {
        this.maxRecords = maxRecords;
        this.maxValueSize = maxValueSize;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    int maxValueSize() {
        return maxValueSize;
    }

    /** The held entry of {@code key}, or null when none or expired. */
    synchronized Entry get(byte[] key) {
        ByteBuffer k = ByteBuffer.wrap(key);
        Entry e = entries.get(k);
        if (e != null && expired(e)) {
            entries.remove(k);
            return null;
        }
        return e;
    }

    /** Stores {@code value} (the caller validated and selected it); false when it is too large. */
    synchronized boolean put(byte[] key, byte[] value) {
        if (value.length > maxValueSize) {
            return false;
        }
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        entries.remove(k); // re-inserted last: the order is the age order
        dropExpired();
        while (entries.size() >= maxRecords) {
            Iterator<ByteBuffer> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        entries.put(k, new Entry(value.clone(), clock.instant()));
        return true;
    }

    synchronized void remove(byte[] key) {
        entries.remove(ByteBuffer.wrap(key));
    }

    synchronized int size() {
        dropExpired();
        return entries.size();
    }

    private void dropExpired() {
        Iterator<Map.Entry<ByteBuffer, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext() && expired(it.next().getValue())) { // oldest first: stop at the first fresh one
            it.remove();
        }
    }

    private boolean expired(Entry e) {
        return !e.received().plus(maxAge).isAfter(clock.instant());
    }
}
