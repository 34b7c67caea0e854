package org.opencloud.discovery.propagation.directory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.opencloud.discovery.propagation.OwnerOnlyFile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Peer records in this JVM, in an H2 MVStore file under the data directory: there is no listener, so
 * no other process reaches the directory through the node, and the file is the node's user's alone (mode
 * 0600, the data directory 0700 when this creates it; MVStore also locks the file while it is open). Each
 * record is kept as the JSON of the document {@link MongoPeerStore} stores. Every write is committed and
 * synced before it returns, so a node that is killed keeps it. Thread-safe: MVStore's maps and commits are.
 */
public final class EmbeddedPeerStore implements PeerStore {

    /** File name of the store inside the data directory. */
    public static final String STORE_FILE = "peer-directory.mvstore";

    private static final TypeReference<Map<String, Object>> DOCUMENT = new TypeReference<>() {
    };
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final MVStore store;
    private final MVMap<String, String> peers;

    private EmbeddedPeerStore(Path file) {
        this.file = file;
        this.store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        this.peers = store.openMap("peers");
    }

    /** Opens (or creates) {@value #STORE_FILE} in {@code dataDirectory}, creating the directory if needed. */
    public static EmbeddedPeerStore open(Path dataDirectory) {
        return new EmbeddedPeerStore(OwnerOnlyFile.prepare(dataDirectory, STORE_FILE));
    }

    @Override
    public List<StoredPeer> all() {
        return peers.values().stream().map(EmbeddedPeerStore::parse).toList();
    }

    @Override
    public StoredPeer find(String peerId) {
        String json = peers.get(peerId);
        return json == null ? null : parse(json);
    }

    @Override
    public void put(StoredPeer peer) {
        try {
            peers.put(peer.record().peerId(), JSON.writeValueAsString(peer.toDocument()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write peer " + peer.record().peerId() + " as JSON", e);
        }
        commit();
    }

    @Override
    public boolean remove(String peerId) {
        boolean removed = peers.remove(peerId) != null;
        if (removed) {
            commit();
        }
        return removed;
    }

    @Override
    public boolean isAvailable() {
        return !store.isClosed();
    }

    @Override
    public String describe() {
        return "in-process file " + file;
    }

    /** Commits every change of the store so far and syncs the file. */
    private void commit() {
        store.commit();
        store.sync();
    }

    @Override
    public void close() {
        store.close();
    }

    private static StoredPeer parse(String json) {
        try {
            return StoredPeer.fromDocument(JSON.readValue(json, DOCUMENT));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable peer record in the embedded store: " + json, e);
        }
    }
}
