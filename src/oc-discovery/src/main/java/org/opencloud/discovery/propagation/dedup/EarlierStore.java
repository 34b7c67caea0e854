package org.opencloud.discovery.propagation.dedup;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The record of received events as versions before the log kept it: an H2 MVStore file and a journal beside it
 * (in the log's line format), read once at the first start after an upgrade, so that no id is forgotten, and
 * deleted once the log holds them.
 */
final class EarlierStore {
    static final String STORE_FILE = "received-events.mvstore";
    static final String JOURNAL_FILE = "received-events.journal";
    private static final Logger LOG = LoggerFactory.getLogger(EarlierStore.class);
    private static final char SEPARATOR = ' ';

    /** What takes each id: its sender, the id, when it was recorded (epoch ms). */
    interface Ids {
        void put(String sender, String id, long at);
    }

    private EarlierStore() {
    }

    /**
     * Gives {@code ids} what the store in {@code directory} holds, each sender's oldest first; nothing if there is
     * none. A store that cannot be read is logged and passed over: the node starts, without those ids.
     */
    static void importInto(Path directory, Ids ids) {
        Path file = directory.resolve(STORE_FILE);
        if (!Files.exists(file)) {
            return;
        }
        try (MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open()) {
            if (!store.hasMap("recorded") || !store.hasMap("order")) {
                return; // killed before its first commit: nothing was kept
            }
            // "<sender> <id>" -> {recorded at, sequence}; "<sender> <sequence in 19 digits>" -> id, in record order
            MVMap<String, long[]> recorded = store.openMap("recorded");
            MVMap<String, String> order = store.openMap("order");
            for (Map.Entry<String, String> entry : order.entrySet()) {
                int split = entry.getKey().lastIndexOf(SEPARATOR);
                long[] at = split < 0 ? null : recorded.get(entry.getKey().substring(0, split) + SEPARATOR + entry.getValue());
                if (at != null && at.length > 0) {
                    ids.put(entry.getKey().substring(0, split), entry.getValue(), at[0]);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot read the earlier record of received events {}, its ids are not taken over: {}", file,
                    e.toString());
        }
    }

    static void delete(Path directory) {
        try {
            Files.deleteIfExists(directory.resolve(STORE_FILE));
            Files.deleteIfExists(directory.resolve(JOURNAL_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the earlier record of received events in " + directory, e);
        }
    }
}
