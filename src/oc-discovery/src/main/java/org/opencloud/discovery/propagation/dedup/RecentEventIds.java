package org.opencloud.discovery.propagation.dedup;

import org.opencloud.discovery.propagation.OwnerOnlyFile;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the events this node published on its NATS, per sender, so that an event a sender sends again (it
 * did not see the confirmation, or it retries after a restart) is confirmed without being published twice.
 * Bounded: at most {@code maxPerSender} ids per sender, the oldest dropped first, none older than {@code maxAge}.
 * <p>
 * Held in memory (about 150 bytes an id) and kept in a log in the data directory ({@value #LOG_FILE}, mode 0600;
 * {@value #LOCK_FILE} locked while open): {@link #record} appends the id's line before it returns (one write), so a node that is
 * killed keeps it, and the log is read back at the next open. Once it holds twice as many lines as there are ids
 * (ids dropped or recorded anew leave their lines behind), it is rewritten with the ids kept, in a file that
 * replaces it whole. A B-tree store committed once a second was a sixth of a receiving node's CPU. The log is not
 * synced to the disk for each event (a sync costs milliseconds), so a machine that crashes may forget the last
 * ids, whose events may then be published once more. Thread-safe.
 */
public final class RecentEventIds implements AutoCloseable {
    /** File name of the log inside the data directory; a line is {@code <epoch ms> <sender> <id, base64url>}. */
    public static final String LOG_FILE = "received-events.log";
    private static final String REWRITTEN_FILE = LOG_FILE + ".new";
    private static final String LOCK_FILE = "received-events.lock";
    /** Lines beyond the ids kept that the log may hold before it is rewritten, so that a small record is not rewritten at every id. */
    private static final int SLACK_LINES = 4096;
    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder ID_DECODER = Base64.getUrlDecoder();
    private static final char SEPARATOR = ' '; // never in a peer id

    private final Path file;
    private final int maxPerSender;
    private final long maxAgeMillis;
    private final Clock clock;
    /** sender → id → recorded at (epoch ms), oldest first. */
    private final Map<String, LinkedHashMap<String, Long>> bySender = new HashMap<>(); // guarded by this
    private int size; // guarded by this
    private long lines; // guarded by this: lines in the log
    private FileChannel log; // guarded by this
    /** Locked while open; a file never replaced (the log is), so that no second node takes the lock of a file gone. */
    private final FileChannel lock;

    private RecentEventIds(Path directory, int maxPerSender, Duration maxAge, Clock clock) {
        if (maxPerSender < 1) {
            throw new IllegalArgumentException("at least one id per sender must be kept, not " + maxPerSender);
        }
        this.maxPerSender = maxPerSender;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
        this.file = directory.resolve(LOG_FILE).toAbsolutePath();
        this.lock = exclusive(OwnerOnlyFile.prepare(directory, LOCK_FILE));
        try {
            synchronized (this) {
                // an earlier version's record, taken over, oldest first; deleted only once a rewrite holds it, so a
                // kill before takes it over again
                EarlierStore.importInto(directory, this::put);
                read(directory.resolve(EarlierStore.JOURNAL_FILE));
                read(file);
                rewrite();
                EarlierStore.delete(directory);
            }
        } catch (RuntimeException e) {
            closeQuietly(log);
            closeQuietly(lock);
            throw e;
        }
    }

    /** Opens (or creates) {@value #LOG_FILE} in {@code dataDirectory}, taking over an earlier version's store. */
    public static RecentEventIds open(Path dataDirectory, int maxPerSender, Duration maxAge) {
        return open(dataDirectory, maxPerSender, maxAge, Clock.systemUTC());
    }

    static RecentEventIds open(Path dataDirectory, int maxPerSender, Duration maxAge, Clock clock) {
        return new RecentEventIds(dataDirectory, maxPerSender, maxAge, clock);
    }

    /** Whether the event {@code id} of {@code sender} was recorded, no longer than the maximum age ago. */
    public synchronized boolean contains(String sender, String id) {
        LinkedHashMap<String, Long> ids = bySender.get(sender);
        Long at = ids == null ? null : ids.get(id);
        return at != null && clock.millis() - at <= maxAgeMillis;
    }

    /** Records the event {@code id} of {@code sender}, dropping that sender's oldest beyond the bounds, and writes it. */
    public synchronized void record(String sender, String id) {
        if (sender.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("not a peer id: '" + sender + "'");
        }
        long now = clock.millis();
        put(sender, id, now);
        append(line(now, sender, id));
        lines++;
        if (lines > 2L * size + SLACK_LINES) {
            rewrite();
        }
    }

    private void put(String sender, String id, long at) {
        LinkedHashMap<String, Long> ids = bySender.computeIfAbsent(sender, any -> new LinkedHashMap<>());
        if (ids.remove(id) != null) { // recorded once, expired since: recorded anew, as the newest
            size--;
        }
        ids.put(id, at);
        size++;
        dropOld(ids, at - maxAgeMillis); // never the id just put
    }

    /** Drops a sender's oldest ids while there are too many or they are older than {@code oldest}. */
    private void dropOld(LinkedHashMap<String, Long> ids, long oldest) {
        Iterator<Long> first = ids.values().iterator();
        while (first.hasNext()) {
            long at = first.next();
            if (ids.size() <= maxPerSender && at >= oldest) {
                return;
            }
            first.remove();
            size--;
        }
    }

    /** A log line as {@link #record} wrote it; one that is not (damaged, or cut short by a kill) is skipped. */
    private void replay(String line) {
        String[] fields = line.split(" ", -1);
        try {
            if (fields.length == 3 && !fields[1].isEmpty()) {
                put(fields[1], new String(ID_DECODER.decode(fields[2]), StandardCharsets.UTF_8), Long.parseLong(fields[0]));
            }
        } catch (IllegalArgumentException notALine) {
            // skipped
        }
    }

    /** Replays a log's lines, read a chunk at a time (a log may hold millions). */
    private void read(Path logFile) {
        if (!Files.exists(logFile)) {
            return;
        }
        try (InputStream in = Files.newInputStream(logFile)) {
            byte[] chunk = new byte[64 * 1024];
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
                int start = 0;
                for (int i = 0; i < read; i++) {
                    if (chunk[i] == '\n') {
                        line.write(chunk, start, i - start);
                        // one byte a character, never a decoding error: a damaged line is skipped, not a node that cannot start
                        replay(line.toString(StandardCharsets.ISO_8859_1));
                        line.reset();
                        start = i + 1;
                    }
                }
                line.write(chunk, start, read - start);
            }
            // every line ends with its newline: what follows the last one was cut short by a kill, and is left out
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the record of received events " + logFile, e);
        }
    }

    /**
     * Writes the ids kept, the expired ones left out, into a new file that then replaces the log at once, so that
     * a kill at any point leaves the old log or the new one whole.
     */
    private void rewrite() {
        long oldest = clock.millis() - maxAgeMillis;
        bySender.values().removeIf(ids -> {
            dropOld(ids, oldest);
            return ids.isEmpty();
        });
        Path rewritten = OwnerOnlyFile.prepare(file.getParent(), REWRITTEN_FILE);
        FileChannel next = open(rewritten, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(next), 64 * 1024);
            for (Map.Entry<String, LinkedHashMap<String, Long>> sender : bySender.entrySet()) {
                for (Map.Entry<String, Long> id : sender.getValue().entrySet()) {
                    out.write(line(id.getValue(), sender.getKey(), id.getKey()));
                }
            }
            out.flush(); // not closed: that would close the channel, the log from now on
            next.force(false);
            Files.move(rewritten, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            closeQuietly(next);
            throw new UncheckedIOException("cannot rewrite the record of received events " + file, e);
        }
        closeQuietly(log);
        log = next;
        lines = size;
    }

    private static byte[] line(long at, String sender, String id) {
        return (at + " " + sender + " " + ID_ENCODER.encodeToString(id.getBytes(StandardCharsets.UTF_8)) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private void append(byte[] line) {
        ByteBuffer bytes = ByteBuffer.wrap(line);
        try {
            while (bytes.hasRemaining()) {
                log.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the record of received events " + file, e);
        }
    }

    private static FileChannel open(Path logFile, StandardOpenOption mode) {
        try {
            return FileChannel.open(logFile, StandardOpenOption.WRITE, mode);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the record of received events " + logFile, e);
        }
    }

    /** The lock file, locked (until its channel closes) so that two nodes never share one data directory's record. */
    private static FileChannel exclusive(Path lockFile) {
        FileChannel channel = open(lockFile, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException sameProcess) {
            // held by this JVM: another node in it
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock the record of received events " + lockFile, e);
        }
        closeQuietly(channel);
        throw new IllegalStateException("the record of received events " + lockFile
                + " is in use by another node: each node needs a data directory of its own (oc.data-dir)");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing what is no longer used
        }
    }

    /** How many ids are kept, for all senders. */
    public synchronized int size() {
        return size;
    }

    public String describe() {
        return "in memory, logged in " + file + ", at most " + maxPerSender + " ids per sender for "
                + Duration.ofMillis(maxAgeMillis);
    }

    @Override
    public synchronized void close() {
        try {
            log.close();
            lock.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the record of received events " + file, e);
        }
    }
}
