package org.opencloud.discovery.propagation.dedup;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.opencloud.discovery.propagation.OwnerOnlyFile;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The ids of the events this node published on its NATS, per sender, so that an event a sender sends again (it
 * did not see the confirmation, or it retries after a restart) is confirmed without being published twice. Kept
 * in an H2 MVStore file in the data directory (mode 0600, locked while open) and bounded: at most
 * {@code maxPerSender} ids per sender, the oldest dropped first, none older than {@code maxAge}.
 * <p>
 * {@link #record} writes the id to the file before it returns, so a node that is killed keeps it; the file is not
 * synced to the disk for each event (a sync costs milliseconds), so a machine that crashes may forget the last
 * ids, whose events may then be published once more. Thread-safe.
 */
public final class RecentEventIds implements AutoCloseable {
    /** File name of the store inside the data directory. */
    public static final String STORE_FILE = "received-events.mvstore";
    private static final char SEPARATOR = ' '; // never in a peer id
    private static final String SEQUENCE_FORMAT = "%019d";

    private final Path file;
    private final int maxPerSender;
    private final long maxAgeMillis;
    private final Clock clock;
    private final MVStore store;
    /** sender, separator, id → {recorded at (epoch ms), sequence}. */
    private final MVMap<String, long[]> recorded;
    /** sender, separator, sequence (19 digits, so keys sort in record order) → id. */
    private final MVMap<String, String> order;
    private final Map<String, Integer> counts = new HashMap<>(); // guarded by this
    private long sequence; // guarded by this

    private RecentEventIds(Path file, int maxPerSender, Duration maxAge, Clock clock) {
        if (maxPerSender < 1) {
            throw new IllegalArgumentException("at least one id per sender must be kept, not " + maxPerSender);
        }
        this.file = file;
        this.maxPerSender = maxPerSender;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
        this.store = new MVStore.Builder().fileName(file.toString()).open();
        this.recorded = store.openMap("recorded");
        this.order = store.openMap("order");
        for (String key : order.keySet()) {
            int split = key.lastIndexOf(SEPARATOR);
            counts.merge(key.substring(0, split), 1, Integer::sum);
            sequence = Math.max(sequence, Long.parseLong(key.substring(split + 1)));
        }
        synchronized (this) {
            counts.keySet().stream().toList().forEach(this::dropOld);
        }
        store.commit();
    }

    /** Opens (or creates) {@value #STORE_FILE} in {@code dataDirectory}. */
    public static RecentEventIds open(Path dataDirectory, int maxPerSender, Duration maxAge) {
        return open(dataDirectory, maxPerSender, maxAge, Clock.systemUTC());
    }

    static RecentEventIds open(Path dataDirectory, int maxPerSender, Duration maxAge, Clock clock) {
        return new RecentEventIds(OwnerOnlyFile.prepare(dataDirectory, STORE_FILE), maxPerSender, maxAge, clock);
    }

    /** Whether the event {@code id} of {@code sender} was recorded, no longer than the maximum age ago. */
    public boolean contains(String sender, String id) {
        long[] entry = recorded.get(key(sender, id));
        return entry != null && clock.millis() - entry[0] <= maxAgeMillis;
    }

    /** Records the event {@code id} of {@code sender}, dropping that sender's oldest beyond the bounds, and writes it. */
    public void record(String sender, String id) {
        String key = key(sender, id);
        synchronized (this) {
            long[] earlier = recorded.get(key);
            if (earlier != null) { // recorded once, expired since: recorded anew
                order.remove(orderKey(sender, earlier[1]));
                counts.merge(sender, -1, Integer::sum);
            }
            long next = ++sequence;
            recorded.put(key, new long[] {clock.millis(), next});
            order.put(orderKey(sender, next), id);
            counts.merge(sender, 1, Integer::sum);
            dropOld(sender);
        }
        store.commit(); // writes what every thread recorded so far, at once
    }

    /** How many ids are kept, for all senders. */
    public int size() {
        return recorded.size();
    }

    public String describe() {
        return "in-process file " + file + ", at most " + maxPerSender + " ids per sender for "
                + Duration.ofMillis(maxAgeMillis);
    }

    /** Drops the sender's oldest ids while there are too many or they are too old. */
    private void dropOld(String sender) {
        String first = sender + SEPARATOR;
        long oldest = clock.millis() - maxAgeMillis;
        for (String head = order.ceilingKey(first); head != null && head.startsWith(first); head = order.ceilingKey(first)) {
            String id = order.get(head);
            long[] entry = recorded.get(key(sender, id));
            if (counts.getOrDefault(sender, 0) <= maxPerSender && entry != null && entry[0] >= oldest) {
                return;
            }
            order.remove(head);
            recorded.remove(key(sender, id));
            counts.merge(sender, -1, Integer::sum);
        }
        counts.remove(sender);
    }

    private static String key(String sender, String id) {
        if (sender.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("not a peer id: '" + sender + "'");
        }
        return sender + SEPARATOR + id;
    }

    private static String orderKey(String sender, long sequence) {
        return sender + SEPARATOR + String.format(SEQUENCE_FORMAT, sequence);
    }

    @Override
    public void close() {
        store.close();
    }
}
