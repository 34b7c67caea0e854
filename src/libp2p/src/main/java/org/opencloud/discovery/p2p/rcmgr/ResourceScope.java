package org.opencloud.discovery.p2p.rcmgr;

/**
 * A span of resources (a connection's, a stream's) nested in enclosing scopes: memory reserved here is
 * counted in each of them. Thread-safe.
 */
public interface ResourceScope {

    /**
     * Reserves {@code bytes} here and in every enclosing scope, or nothing if any of them would exceed its
     * limit (the refusal is counted by the scope that refused).
     *
     * @return false when refused
     */
    boolean reserveMemory(long bytes);

    /**
     * Reserves {@code bytes} to grow a buffer or window beyond what it needs to make progress: only while
     * this scope and every enclosing one stay under half their limit, so growth leaves room for new
     * streams and for the credit others need. Not counted as a refusal when it fails.
     */
    boolean reserveSpareMemory(long bytes);

    /**
     * Counts {@code bytes} that are already in memory, moved from a reservation about to be released
     * (a listener keeping bytes it was handed): never refused, so the count may briefly exceed a limit.
     */
    void holdMemory(long bytes);

    /** Releases {@code bytes} reserved or held earlier; beyond what the scope holds, nothing. */
    void releaseMemory(long bytes);

    /** What this scope holds now. */
    ResourceUsage usage();

    /** Releases everything this scope holds, from every enclosing scope; later calls do nothing. */
    void done();
}
