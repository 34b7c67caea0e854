package org.opencloud.discovery.propagation.directory;

import java.util.List;

/**
 * Where the peer directory keeps its records: reads and writes of one record by peer id, and every record,
 * nothing a store would need a query language for ({@link PeerDirectory} filters its own copy). Two
 * implementations: {@link MongoPeerStore} (a MongoDB collection) and {@link EmbeddedPeerStore} (a file
 * in this JVM). Implementations are thread-safe.
 */
public interface PeerStore extends AutoCloseable {

    List<StoredPeer> all();

    /** The stored record of a peer, or null. */
    StoredPeer find(String peerId);

    /** Inserts or replaces the record of {@code peer}'s peer id. */
    void put(StoredPeer peer);

    /** @return true when a record was removed */
    boolean remove(String peerId);

    /** Whether the store can serve reads now, answered without a round trip that could hang a probe. */
    boolean isAvailable();

    /** Where the records are, for the readiness check's details; never a credential. */
    String describe();

    @Override
    void close();
}
