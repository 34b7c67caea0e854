package org.opencloud.discovery.propagation.directory;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peer records in one MongoDB collection, one document per peer keyed by its peer id:
 * {@code {_id, addresses, public_key, relation (name), name, did, origin}}. {@code origin}
 * tells a record written by seeding ({@code seed}) from one changed at run time ({@code live}).
 * Thread-safe: the driver's collection is.
 *
 * <p>Reads can be served from an in-memory copy of the collection ({@code cacheTtl} above zero):
 * the routes read partners and peers at every message, and a database round trip each time caps
 * propagation at a few hundred events per second. Writes through this directory drop the copy at
 * once; writes by others to the same collection are seen within {@code cacheTtl}.
 */
public final class PeerDirectory {

    public static final String DEFAULT_DATABASE = "oc-discovery";
    public static final String DEFAULT_COLLECTION = "peers";

    private static final String ORIGIN = "origin";
    private static final String SEEDED = "seed";
    private static final String LIVE = "live";
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoCollection<Document> peers;
    private final long cacheTtlNanos;
    private final AtomicLong writes = new AtomicLong();
    private volatile Snapshot snapshot;

    /** Uses a client owned by the caller, who closes it; every read goes to the database. */
    public PeerDirectory(MongoClient client, String database, String collection) {
        this(client, database, collection, Duration.ZERO);
    }

    /** Uses a client owned by the caller, who closes it; reads are served from a copy at most {@code cacheTtl} old. */
    public PeerDirectory(MongoClient client, String database, String collection, Duration cacheTtl) {
        this.peers = client.getDatabase(database).getCollection(collection);
        this.cacheTtlNanos = cacheTtl.toNanos();
    }

    /** The record of a peer, or null when the directory does not know it. */
    public PeerRecord findByPeerId(String peerId) {
        if (cacheTtlNanos > 0) {
            return current().byId().get(peerId);
        }
        Document document = peers.find(byId(peerId)).first();
        return document == null ? null : toRecord(document);
    }

    public List<PeerRecord> findByRelation(Relation relation) {
        if (cacheTtlNanos > 0) {
            return current().byId().values().stream().filter(r -> r.relation() == relation).toList();
        }
        return list(Filters.eq("relation", relation.name()));
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
        if (cacheTtlNanos > 0) {
            return List.copyOf(current().byId().values());
        }
        return list(Filters.empty());
    }

    /** Inserts or replaces a record as a run-time change. */
    public void upsert(PeerRecord record) {
        peers.replaceOne(byId(record.peerId()), toDocument(record, LIVE), UPSERT);
        invalidate();
    }

    /**
     * Inserts or replaces a record from the peers file, except that a relation changed at run
     * time is kept: the file is the operator's baseline, live changes are newer decisions.
     *
     * @return the record as stored
     */
    public PeerRecord seed(PeerRecord record) {
        Document existing = peers.find(byId(record.peerId())).first();
        if (existing != null && LIVE.equals(existing.getString(ORIGIN))) {
            PeerRecord kept = record.withRelation(toRecord(existing).relation());
            peers.replaceOne(byId(record.peerId()), toDocument(kept, LIVE), UPSERT);
            invalidate();
            return kept;
        }
        peers.replaceOne(byId(record.peerId()), toDocument(record, SEEDED), UPSERT);
        invalidate();
        return record;
    }

    /** @return true when a record was removed */
    public boolean remove(String peerId) {
        boolean removed = peers.deleteOne(byId(peerId)).getDeletedCount() > 0;
        invalidate();
        return removed;
    }

    private void invalidate() {
        writes.incrementAndGet();
        snapshot = null;
    }

    /** The cached copy, reloaded when dropped or older than the TTL; kept only if no write raced the load. */
    private Snapshot current() {
        Snapshot cached = snapshot;
        long now = System.nanoTime();
        if (cached != null && now - cached.loadedAtNanos() < cacheTtlNanos) {
            return cached;
        }
        long writesBefore = writes.get();
        Map<String, PeerRecord> byId = new LinkedHashMap<>();
        for (PeerRecord record : list(Filters.empty())) {
            byId.put(record.peerId(), record);
        }
        Snapshot loaded = new Snapshot(Collections.unmodifiableMap(byId), now);
        if (writes.get() == writesBefore) {
            snapshot = loaded;
        }
        return loaded;
    }

    private record Snapshot(Map<String, PeerRecord> byId, long loadedAtNanos) {
    }

    private List<PeerRecord> list(Bson filter) {
        List<PeerRecord> records = new ArrayList<>();
        peers.find(filter).forEach(document -> records.add(toRecord(document)));
        return records;
    }

    private static Bson byId(String peerId) {
        return Filters.eq("_id", peerId);
    }

    private static Document toDocument(PeerRecord record, String origin) {
        return new Document("_id", record.peerId())
                .append("addresses", record.addresses())
                .append("public_key", record.publicKey())
                .append("relation", record.relation().name())
                .append("name", record.name())
                .append("did", record.did())
                .append(ORIGIN, origin);
    }

    private static PeerRecord toRecord(Document document) {
        String relation = document.getString("relation");
        return new PeerRecord(document.getString("_id"), document.getList("addresses", String.class),
                document.getString("public_key"), relation == null ? null : Relation.valueOf(relation),
                document.getString("name"), document.getString("did"));
    }
}
