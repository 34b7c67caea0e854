package org.opencloud.discovery.propagation.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.propagation.directory.PeerDirectoryTest.newPeerId;

class EmbeddedPeerStoreTest {

    @TempDir
    Path dir;

    private static StoredPeer peer(Relation relation, boolean live) {
        String id = newPeerId();
        return new StoredPeer(new PeerRecord(id, List.of("/ip4/10.0.0.2/tcp/4001/p2p/" + id), "CAESIA==",
                relation, "node", "did:oc:node"), live);
    }

    @Test
    void roundTrip() {
        StoredPeer live = peer(Relation.PARTNER, true);
        StoredPeer seeded = new StoredPeer(new PeerRecord(newPeerId(), null, null, null, null, null), false);
        try (EmbeddedPeerStore store = EmbeddedPeerStore.open(dir)) {
            store.put(live);
            store.put(seeded);
            assertEquals(live, store.find(live.record().peerId()));
            assertEquals(seeded, store.find(seeded.record().peerId()));
            assertEquals(Set.of(live, seeded), new HashSet<>(store.all()));

            StoredPeer blacklisted = new StoredPeer(live.record().withRelation(Relation.BLACKLIST), true);
            store.put(blacklisted);
            assertEquals(blacklisted, store.find(live.record().peerId()));
            assertTrue(store.remove(live.record().peerId()));
            assertFalse(store.remove(live.record().peerId()));
            assertNull(store.find(live.record().peerId()));
            assertEquals(List.of(seeded), store.all());
        }
    }

    @Test
    void survivesReopen() {
        StoredPeer kept = peer(Relation.PARTNER, true);
        StoredPeer removed = peer(Relation.NONE, false);
        try (EmbeddedPeerStore store = EmbeddedPeerStore.open(dir)) {
            store.put(kept);
            store.put(removed);
            store.remove(removed.record().peerId());
        }
        try (EmbeddedPeerStore store = EmbeddedPeerStore.open(dir)) {
            assertEquals(List.of(kept), store.all());
            assertTrue(store.isAvailable());
        }
    }

    @Test
    void fileIsTheOwnersAloneAndLockedWhileOpen() throws Exception {
        Path data = dir.resolve("created/data");
        Path file = data.resolve(EmbeddedPeerStore.STORE_FILE);
        try (EmbeddedPeerStore store = EmbeddedPeerStore.open(data)) {
            store.put(peer(Relation.PARTNER, true));
            assertEquals("rw-------", mode(file));
            assertEquals("rwx------", mode(data));
            assertEquals("rwx------", mode(data.getParent()));
            assertThrows(MVStoreException.class, () -> EmbeddedPeerStore.open(data), "a second opener is refused");
        }
        assertEquals("rw-------", mode(file), "still after close");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        EmbeddedPeerStore.open(data).close();
        assertEquals("rw-------", mode(file), "a wider file is narrowed when opened");
    }

    @Test
    void concurrentUpsertsAllLand() throws Exception {
        int threads = 8;
        int perThread = 50;
        List<StoredPeer> written = new ArrayList<>();
        try (EmbeddedPeerStore store = EmbeddedPeerStore.open(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<List<StoredPeer>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    List<StoredPeer> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        StoredPeer peer = peer(Relation.PARTNER, i % 2 == 0);
                        store.put(peer);
                        mine.add(peer);
                    }
                    return mine;
                }));
            }
            for (Future<List<StoredPeer>> result : results) {
                written.addAll(result.get());
            }
            pool.shutdown();
            assertEquals(threads * perThread, store.all().size());
        }
        try (EmbeddedPeerStore store = EmbeddedPeerStore.open(dir)) {
            assertEquals(new HashSet<>(written), new HashSet<>(store.all()));
        }
    }

    @Test
    void keepsTheDocumentTheMongoStoreKeeps() throws Exception {
        StoredPeer peer = peer(Relation.PARTNER, true);
        try (EmbeddedPeerStore store = EmbeddedPeerStore.open(dir)) {
            store.put(peer);
        }
        String json;
        try (MVStore raw = MVStore.open(dir.resolve(EmbeddedPeerStore.STORE_FILE).toString())) {
            json = raw.<String, String>openMap("peers").get(peer.record().peerId());
        }
        Document inMongo;
        try (EmbeddedMongo mongo = new EmbeddedMongo();
             MongoPeerStore store = new MongoPeerStore(mongo.connectionString(), "oc", "peers");
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            store.put(peer);
            inMongo = client.getDatabase("oc").getCollection("peers").find().first();
        }
        assertEquals(new LinkedHashMap<>(inMongo), new ObjectMapper().readValue(json, Map.class));
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
