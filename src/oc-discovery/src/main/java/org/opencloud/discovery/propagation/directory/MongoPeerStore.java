package org.opencloud.discovery.propagation.directory;

import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;

/**
 * Peer records in one MongoDB collection, one {@link StoredPeer} document per peer keyed by its peer id,
 * through plain CRUD of the sync driver. Thread-safe: the driver's client is.
 */
public final class MongoPeerStore implements PeerStore {

    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoClient client;
    private final MongoCollection<Document> peers;

    /** Connects to the MongoDB at {@code uri}; the store owns the client and closes it. */
    public MongoPeerStore(String uri, String database, String collection) {
        this.client = MongoClients.create(uri);
        this.peers = client.getDatabase(database).getCollection(collection);
    }

    @Override
    public List<StoredPeer> all() {
        return peers.find().map(StoredPeer::fromDocument).into(new ArrayList<>());
    }

    @Override
    public StoredPeer find(String peerId) {
        Document document = peers.find(byId(peerId)).first();
        return document == null ? null : StoredPeer.fromDocument(document);
    }

    @Override
    public void put(StoredPeer peer) {
        peers.replaceOne(byId(peer.record().peerId()), new Document(peer.toDocument()), UPSERT);
    }

    @Override
    public boolean remove(String peerId) {
        return peers.deleteOne(byId(peerId)).getDeletedCount() > 0;
    }

    /** The driver's view of the servers, from its monitoring. */
    @Override
    public boolean isAvailable() {
        return client.getClusterDescription().hasReadableServer(ReadPreference.primaryPreferred());
    }

    @Override
    public String describe() {
        return "MongoDB " + client.getClusterDescription().getShortDescription();
    }

    @Override
    public void close() {
        client.close();
    }

    private static Bson byId(String peerId) {
        return Filters.eq("_id", peerId);
    }
}
