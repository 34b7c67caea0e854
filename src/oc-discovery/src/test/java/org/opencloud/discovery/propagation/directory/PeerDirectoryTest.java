package org.opencloud.discovery.propagation.directory;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerDirectoryTest {

    static String newPeerId() {
        return PrivateKey.generate().peerId().toString();
    }

    private EmbeddedMongo mongo;
    private MongoClient client;
    private PeerDirectory directory;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.inMemory();
        client = MongoClients.create(mongo.connectionString());
        directory = new PeerDirectory(client, PeerDirectory.DEFAULT_DATABASE, PeerDirectory.DEFAULT_COLLECTION);
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.close();
    }

    @Test
    void crudAndQueries() {
        String self = newPeerId();
        String partner = newPeerId();
        String known = newPeerId();
        PeerRecord partnerRecord = new PeerRecord(partner, List.of("/ip4/10.0.0.2/tcp/4001/p2p/" + partner),
                "CAESIA==", Relation.PARTNER, "node-b", "did:oc:b");
        directory.upsert(new PeerRecord(self, List.of(), null, Relation.SELF, "me", null));
        directory.upsert(partnerRecord);
        directory.upsert(new PeerRecord(known, null, null, null, null, null));

        assertEquals(partnerRecord, directory.findByPeerId(partner));
        assertEquals(List.of(partnerRecord), directory.partners());
        assertEquals(self, directory.self().peerId());
        assertEquals(Relation.NONE, directory.findByPeerId(known).relation());
        assertEquals(3, directory.all().size());
        assertNull(directory.findByPeerId(newPeerId()));

        directory.upsert(partnerRecord.withRelation(Relation.BLACKLIST));
        assertEquals(List.of(), directory.partners());
        assertEquals(Relation.BLACKLIST, directory.findByRelation(Relation.BLACKLIST).get(0).relation());

        assertTrue(directory.remove(partner));
        assertFalse(directory.remove(partner));
        assertNull(directory.findByPeerId(partner));
    }

    @Test
    void seedingKeepsRelationsChangedAtRunTime() {
        String peer = newPeerId();
        PeerRecord seeded = new PeerRecord(peer, List.of("/ip4/10.0.0.3/tcp/4001"), null, Relation.PARTNER, "c", null);
        assertEquals(seeded, directory.seed(seeded));

        directory.upsert(seeded.withRelation(Relation.BLACKLIST));
        PeerRecord moved = new PeerRecord(peer, List.of("/ip4/10.0.0.4/tcp/4001"), null, Relation.PARTNER, "c", null);
        directory.seed(moved);

        PeerRecord stored = directory.findByPeerId(peer);
        assertEquals(Relation.BLACKLIST, stored.relation());
        assertEquals(List.of("/ip4/10.0.0.4/tcp/4001"), stored.addresses());

        // A record that only ever came from the file follows the file.
        String other = newPeerId();
        directory.seed(new PeerRecord(other, null, null, Relation.PARTNER, null, null));
        directory.seed(new PeerRecord(other, null, null, Relation.NONE, null, null));
        assertEquals(Relation.NONE, directory.findByPeerId(other).relation());
    }

    @Test
    void h2FileStoreSurvivesARestart(@TempDir Path data) {
        String peer = newPeerId();
        PeerRecord record = new PeerRecord(peer, List.of("/ip4/10.0.0.2/tcp/4001"), null, Relation.PARTNER, "b", null);
        try (EmbeddedMongo first = EmbeddedMongo.onFile(data);
             MongoClient firstClient = MongoClients.create(first.connectionString())) {
            new PeerDirectory(firstClient, "oc", "peers").upsert(record);
        }
        assertTrue(data.resolve(EmbeddedMongo.STORE_FILE).toFile().isFile());
        try (EmbeddedMongo second = EmbeddedMongo.onFile(data);
             MongoClient secondClient = MongoClients.create(second.connectionString())) {
            assertEquals(record, new PeerDirectory(secondClient, "oc", "peers").findByPeerId(peer));
        }
    }
}
