package org.opencloud.discovery.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.propagation.directory.EmbeddedPeerStore;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.directory.Relation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The producers' addresses follow the directory: a record's addresses are parsed once, and again once it changes. */
class DirectoryPeerResolverTest {
    @TempDir
    Path data;
    private EmbeddedPeerStore store;

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void addressesFollowTheRecordAsItChanges() {
        store = EmbeddedPeerStore.open(data);
        PeerDirectory directory = new PeerDirectory(store, Duration.ZERO);
        DirectoryPeerResolver resolver = new DirectoryPeerResolver(directory);
        PeerId peer = PrivateKey.generate().peerId();
        assertTrue(resolver.addresses(peer).isEmpty(), "not in the directory");

        directory.upsert(record(peer, "/ip4/10.0.0.2/tcp/4001", "not an address"));
        List<Multiaddr> first = resolver.addresses(peer);
        assertEquals(List.of(Multiaddr.of("/ip4/10.0.0.2/tcp/4001")), first, "the readable address");
        assertEquals(first, resolver.addresses(peer));

        directory.upsert(record(peer, "/ip4/10.0.0.3/tcp/4002/p2p/" + peer));
        assertEquals(List.of(Multiaddr.of("/ip4/10.0.0.3/tcp/4002/p2p/" + peer)), resolver.addresses(peer),
                "the record's new address");

        directory.remove(peer.toString());
        assertTrue(resolver.addresses(peer).isEmpty(), "removed from the directory");
    }

    private static PeerRecord record(PeerId peer, String... addresses) {
        return new PeerRecord(peer.toString(), List.of(addresses), null, Relation.PARTNER, "partner", null);
    }
}
