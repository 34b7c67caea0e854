package org.opencloud.discovery.propagation.directory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The directory behaves the same over both stores: MongoDB (mongo-java-server here) and the embedded file. */
class PeerDirectoryTest {

    static String newPeerId() {
        return PrivateKey.generate().peerId().toString();
    }

    @TempDir
    Path data;
    private EmbeddedMongo mongo;
    private PeerStore store;

    private PeerDirectory directory(String kind) {
        if (kind.equals("mongo")) {
            mongo = new EmbeddedMongo();
            store = new MongoPeerStore(mongo.connectionString(), "oc-discovery", "peers");
        } else {
            store = EmbeddedPeerStore.open(data);
        }
        return new PeerDirectory(store);
    }

    @AfterEach
    void stop() {
        store.close();
        if (mongo != null) {
            mongo.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mongo", "embedded"})
    void crudAndQueries(String kind) {
        PeerDirectory directory = directory(kind);
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

    @ParameterizedTest
    @ValueSource(strings = {"mongo", "embedded"})
    void seedingKeepsRelationsChangedAtRunTime(String kind) {
        PeerDirectory directory = directory(kind);
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
}
