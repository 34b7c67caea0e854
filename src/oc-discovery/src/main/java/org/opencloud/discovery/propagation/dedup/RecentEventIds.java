package org.opencloud.discovery.propagation.dedup;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.opencloud.discovery.propagation.OwnerOnlyFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The ids of the events this node published on its NATS, per sender, so that an event a sender sends again (it
 * did not see the confirmation, or it retries after a restart) is confirmed without being published twice. Kept
 * in an H2 MVStore file in the data directory (mode 0600, locked while open) and bounded: at most
 * {@code maxPerSender} ids per sender, the oldest dropped first, none older than {@code maxAge}.
 * <p>
 * {@link #record} appends the id to a journal beside the store ({@value #JOURNAL_FILE}, one write) before it
 * returns, so a node that is killed keeps it: the store is committed once a second and the journal then emptied,
 * and what a killed node's journal holds goes into the store at the next open. A commit per event was a fifth
 * of a receiving node's CPU. Neither file is synced to the disk for each event (a sync costs milliseconds), so a
 * machine that crashes may forget the last ids, whose events may then be published once more. Thread-safe.
 */
public final class RecentEventIds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecentEventIds.class);
    /** File name of the store inside the data directory. */
    public static final String STORE_FILE = "received-events.mvstore";
    /** The ids recorded since the store's last commit, one line each: {@code <epoch ms> <sender> <id, base64url>}. */
    public static final String JOURNAL_FILE = "received-events.journal";
    private static final long COMMIT_EVERY_MS = 1000;
    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder ID_DECODER = Base64.getUrlDecoder();
    private static final char SEPARATOR = ' '; // never in a peer id
    private static final int SEQUENCE_DIGITS = 19;

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
    private final FileChannel journal; // written under this
    private final ScheduledExecutorService committer;

    private RecentEventIds(Path file, int maxPerSender, Duration maxAge, Clock clock) {
        if (maxPerSender < 1) {
            throw new IllegalArgumentException("at least one id per sender must be kept, not " + maxPerSender);
        }
        this.file = file;
        this.maxPerSender = maxPerSender;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
        this.store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        this.recorded = store.openMap("recorded");
        this.order = store.openMap("order");
        for (String key : order.keySet()) {
            int split = key.lastIndexOf(SEPARATOR);
            counts.merge(key.substring(0, split), 1, Integer::sum);
            sequence = Math.max(sequence, Long.parseLong(key.substring(split + 1)));
        }
        Path journalFile = OwnerOnlyFile.prepare(file.getParent(), JOURNAL_FILE);
        synchronized (this) {
            String text = read(journalFile);
            // every line ends with its newline: what follows the last one was cut short by a kill
            text.substring(0, text.lastIndexOf('\n') + 1).lines().forEach(this::replay);
            counts.keySet().stream().toList().forEach(this::dropOld);
            store.commit();
            this.journal = open(journalFile);
            truncate();
        }
        this.committer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "received-events-commit");
            thread.setDaemon(true);
            return thread;
        });
        committer.scheduleWithFixedDelay(this::commit, COMMIT_EVERY_MS, COMMIT_EVERY_MS, TimeUnit.MILLISECONDS);
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
    public synchronized void record(String sender, String id) {
        long now = clock.millis();
        put(key(sender, id), sender, id, now);
        try {
            journal.write(ByteBuffer.wrap((now + " " + sender + " "
                    + ID_ENCODER.encodeToString(id.getBytes(StandardCharsets.UTF_8)) + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal of received events beside " + file, e);
        }
    }

    private void put(String key, String sender, String id, long at) {
        long[] earlier = recorded.get(key);
        if (earlier != null) { // recorded once, expired since: recorded anew
            order.remove(orderKey(sender, earlier[1]));
            counts.merge(sender, -1, Integer::sum);
        }
        long next = ++sequence;
        recorded.put(key, new long[] {at, next});
        order.put(orderKey(sender, next), id);
        counts.merge(sender, 1, Integer::sum);
        dropOld(sender);
    }

    /** A journal line as {@link #record} wrote it; one that is not (edited by hand) is skipped. */
    private void replay(String line) {
        String[] fields = line.split(" ", -1);
        try {
            if (fields.length == 3) {
                String id = new String(ID_DECODER.decode(fields[2]), StandardCharsets.UTF_8);
                put(key(fields[1], id), fields[1], id, Long.parseLong(fields[0]));
            }
        } catch (IllegalArgumentException notALine) {
            // skipped
        }
    }

    /** Commits the store; what the journal held is in it since, so the journal starts again empty. */
    private synchronized void commit() {
        try {
            store.commit();
            truncate();
        } catch (RuntimeException e) {
            // the journal keeps the ids until a commit succeeds; the next try is in a second
            LOG.warn("cannot commit the record of received events {}: {}", file, e.toString());
        }
    }

    private void truncate() {
        try {
            journal.truncate(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty the journal of received events beside " + file, e);
        }
    }

    private static String read(Path journalFile) {
        try {
            // one byte a character, never a decoding error: a damaged line is skipped, not a node that cannot start
            return Files.readString(journalFile, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal of received events " + journalFile, e);
        }
    }

    private static FileChannel open(Path journalFile) {
        try {
            return FileChannel.open(journalFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal of received events " + journalFile, e);
        }
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

    /** The sequence in 19 digits, zeros first (String.format would parse its pattern at every id). */
    private static String orderKey(String sender, long sequence) {
        String digits = Long.toString(sequence);
        return sender + SEPARATOR + "0".repeat(SEQUENCE_DIGITS - digits.length()) + digits;
    }

    @Override
    public void close() {
        committer.shutdownNow();
        synchronized (this) {
            store.close(); // commits
            truncate();
            try {
                journal.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the journal of received events beside " + file, e);
            }
        }
    }
}
