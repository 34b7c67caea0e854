package org.opencloud.discovery.propagation.search;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many searches a second this node answers per peer (a fixed one-second window per peer). The peers remembered
 * are bounded: beyond {@code maxPeers}, the one seen longest ago is forgotten, so a crowd of peer ids costs at most
 * that many entries. Thread-safe.
 */
public final class SearchRateLimit {
    private static final long SECOND = 1_000_000_000L;

    private final int perSecond;
    private final int maxPeers;
    private final LongSupplier clock;
    private final Map<String, long[]> windows; // peer -> {window start, count}; guarded by itself

    public SearchRateLimit(int perSecond, int maxPeers) {
        this(perSecond, maxPeers, System::nanoTime);
    }

    SearchRateLimit(int perSecond, int maxPeers, LongSupplier clock) {
        this.perSecond = perSecond;
        this.maxPeers = maxPeers;
        this.clock = clock;
        this.windows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                return size() > SearchRateLimit.this.maxPeers;
            }
        };
    }

    /** Counts a search of {@code peer}; false when it is over this second's allowance. */
    public boolean admit(String peer) {
        long now = clock.getAsLong();
        synchronized (windows) {
            long[] window = windows.computeIfAbsent(peer, p -> new long[] {now, 0});
            if (now - window[0] >= SECOND) {
                window[0] = now;
                window[1] = 0;
            }
            return ++window[1] <= perSecond;
        }
    }
}
