package org.opencloud.discovery.propagation.search;

import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.security.PeerRefusedException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The searches this node sent and takes results of, each for a while: from the peers it was sent to (or from any
 * peer, for a search on a topic), at most {@code maxResults} from each. Bounded: at most {@code maxPending} searches
 * (the oldest forgotten first) and, for a search open to any peer, at most {@value #MAX_ANSWERERS} answering peers.
 * Thread-safe.
 */
public final class PendingSearches {
    static final int MAX_ANSWERERS = 1024;

    /**
     * One search.
     *
     * @param targets the peers it went to, or null when any peer may answer
     */
    public record Search(String id, String dataType, String user, Set<String> targets, long deadlineNanos) {
        boolean admits(String peer) {
            return targets == null || targets.contains(peer);
        }
    }

    private final Duration window;
    private final int maxPending;
    private final int maxResults;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Entry> searches = new LinkedHashMap<>(); // guarded by itself

    public PendingSearches(Duration window, int maxPending, int maxResults) {
        this(window, maxPending, maxResults, System::nanoTime);
    }

    PendingSearches(Duration window, int maxPending, int maxResults, LongSupplier clock) {
        this.window = window;
        this.maxPending = maxPending;
        this.maxResults = maxResults;
        this.clock = clock;
    }

    /** Results of search {@code id} are taken from now on, from {@code targets} (null: from any peer). */
    public void open(String id, String dataType, String user, Collection<String> targets) {
        Search search = new Search(id, dataType, user, targets == null ? null : Set.copyOf(targets),
                clock.getAsLong() + window.toNanos());
        synchronized (searches) {
            expire();
            searches.put(id, new Entry(search));
            while (searches.size() > maxPending) {
                searches.remove(searches.keySet().iterator().next());
            }
        }
    }

    /**
     * Counts a result of search {@code id} from {@code peer} and returns the search; refuses one for no open search of
     * this node's to that peer (UNSOLICITED) and those beyond the first {@code maxResults} (TOO_MANY_RESULTS).
     */
    public Search result(String id, String peer) {
        synchronized (searches) {
            expire();
            Entry entry = id == null ? null : searches.get(id);
            if (entry == null || !entry.search.admits(peer)) {
                throw new PeerRefusedException(Reason.UNSOLICITED, "a search result from " + peer
                        + " for no open search of this node's to it (" + id + ")");
            }
            if (!entry.counts.containsKey(peer) && entry.counts.size() >= MAX_ANSWERERS) {
                throw new PeerRefusedException(Reason.TOO_MANY_RESULTS, "search " + id + " has results from "
                        + MAX_ANSWERERS + " peers already");
            }
            int count = entry.counts.merge(peer, 1, Integer::sum);
            if (count > maxResults) {
                throw new PeerRefusedException(Reason.TOO_MANY_RESULTS, peer + " sent more than " + maxResults
                        + " results for search " + id);
            }
            return entry.search;
        }
    }

    /** Whether some open search takes results from {@code peer} (asked when it opens a result stream). */
    public boolean expects(String peer) {
        synchronized (searches) {
            expire();
            return searches.values().stream().anyMatch(e -> e.search.admits(peer));
        }
    }

    private void expire() {
        long now = clock.getAsLong();
        for (Iterator<Entry> it = searches.values().iterator(); it.hasNext(); ) {
            if (now - it.next().search.deadlineNanos() > 0) {
                it.remove();
            }
        }
    }

    private static final class Entry {
        private final Search search;
        private final Map<String, Integer> counts = new HashMap<>();

        private Entry(Search search) {
            this.search = search;
        }
    }
}
