package org.opencloud.discovery.propagation.directory;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;

/**
 * Peer records in one MongoDB collection, one document per peer keyed by its peer id:
 * {@code {_id, addresses, public_key, relation (name), name, did, origin}}. {@code origin}
 * tells a record written by seeding ({@code seed}) from one changed at run time ({@code live}).
 * Thread-safe: the driver's collection is.
 */
public final class PeerDirectory {

    public static final String DEFAULT_DATABASE = "oc-discovery";
    public static final String DEFAULT_COLLECTION = "peers";

    private static final String ORIGIN = "origin";
    private static final String SEEDED = "seed";
    private static final String LIVE = "live";
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoCollection<Document> peers;

    /** Uses a client owned by the caller, who closes it. */
    public PeerDirectory(MongoClient client, String database, String collection) {
        this.peers = client.getDatabase(database).getCollection(collection);
    }

    /** The record of a peer, or null when the directory does not know it. */
    public PeerRecord findByPeerId(String peerId) {
        Document document = peers.find(byId(peerId)).first();
        return document == null ? null : toRecord(document);
    }

    public List<PeerRecord> findByRelation(Relation relation) {
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
        return list(Filters.empty());
    }

    /** Inserts or replaces a record as a run-time change. */
    public void upsert(PeerRecord record) {
        peers.replaceOne(byId(record.peerId()), toDocument(record, LIVE), UPSERT);
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
            return kept;
        }
        peers.replaceOne(byId(record.peerId()), toDocument(record, SEEDED), UPSERT);
        return record;
    }

    /** @return true when a record was removed */
    public boolean remove(String peerId) {
        return peers.deleteOne(byId(peerId)).getDeletedCount() > 0;
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
