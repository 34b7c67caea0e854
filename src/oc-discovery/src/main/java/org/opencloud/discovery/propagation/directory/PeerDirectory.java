package org.opencloud.discovery.propagation.directory;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer records the routes read, over a {@link PeerStore}, one record per peer keyed by its peer id.
 * Each record remembers whether it was written by seeding or changed at run time ({@link StoredPeer#live()}).
 * Thread-safe: the stores are.
 *
 * <p>Reads can be served from an in-memory copy of the store ({@code cacheTtl} above zero): the routes read
 * partners and peers at every message, and a database round trip each time caps propagation at a few hundred
 * events per second. Writes through this directory drop the copy at once; writes by others to the same
 * store (another node sharing a MongoDB collection) are seen within {@code cacheTtl}.
 */
public final class PeerDirectory {

    private final PeerStore store;
    private final long cacheTtlNanos;
    private final AtomicLong writes = new AtomicLong();
    private volatile Snapshot snapshot;

    /** Uses a store owned by the caller, who closes it; every read goes to the store. */
    public PeerDirectory(PeerStore store) {
        this(store, Duration.ZERO);
    }

    /** Uses a store owned by the caller, who closes it; reads are served from a copy at most {@code cacheTtl} old. */
    public PeerDirectory(PeerStore store, Duration cacheTtl) {
        this.store = store;
        this.cacheTtlNanos = cacheTtl.toNanos();
    }

    /** The record of a peer, or null when the directory does not know it. */
    public PeerRecord findByPeerId(String peerId) {
        if (cacheTtlNanos > 0) {
            return current().byId().get(peerId);
        }
        StoredPeer stored = store.find(peerId);
        return stored == null ? null : stored.record();
    }

    public List<PeerRecord> findByRelation(Relation relation) {
        return current().byId().values().stream().filter(r -> r.relation() == relation).toList();
    }

    /** The peers create/update/delete are sent to. */
    public List<PeerRecord> partners() {
        return findByRelation(Relation.PARTNER);
    }

    /** This node's own record, or null when none is stored. */
    public PeerRecord self() {
        List<PeerRecord> self = findByRelation(Relation.SELF);
        return self.isEmpty() ? null : self.get(0);
    }

    public List<PeerRecord> all() {
        return List.copyOf(current().byId().values());
    }

    /** Inserts or replaces a record as a run-time change. */
    public void upsert(PeerRecord record) {
        store.put(new StoredPeer(record, true));
        invalidate();
    }

    /**
     * Inserts or replaces a record from the peers file, except that a relation changed at run
     * time is kept: the file is the operator's baseline, live changes are newer decisions.
     *
     * @return the record as stored
     */
    public PeerRecord seed(PeerRecord record) {
        StoredPeer existing = store.find(record.peerId());
        boolean live = existing != null && existing.live();
        PeerRecord stored = live ? record.withRelation(existing.record().relation()) : record;
        store.put(new StoredPeer(stored, live));
        invalidate();
        return stored;
    }

    /** @return true when a record was removed */
    public boolean remove(String peerId) {
        boolean removed = store.remove(peerId);
        invalidate();
        return removed;
    }

    private void invalidate() {
        writes.incrementAndGet();
        snapshot = null;
    }

    /**
     * The cached copy, reloaded when dropped or older than the TTL (so at every read when it is zero);
     * kept only if no write raced the load.
     */
    private Snapshot current() {
        Snapshot cached = snapshot;
        long now = System.nanoTime();
        if (cached != null && now - cached.loadedAtNanos() < cacheTtlNanos) {
            return cached;
        }
        long writesBefore = writes.get();
        Map<String, PeerRecord> byId = new LinkedHashMap<>();
        for (StoredPeer stored : store.all()) {
            byId.put(stored.record().peerId(), stored.record());
        }
        Snapshot loaded = new Snapshot(Collections.unmodifiableMap(byId), now);
        if (writes.get() == writesBefore) {
            snapshot = loaded;
        }
        return loaded;
    }

    private record Snapshot(Map<String, PeerRecord> byId, long loadedAtNanos) {
    }
}
