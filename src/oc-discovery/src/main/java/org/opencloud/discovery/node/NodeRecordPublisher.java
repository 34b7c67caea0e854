package org.opencloud.discovery.node;

import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.protocol.kad.KadDht;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.directory.Relation;
import org.opencloud.discovery.propagation.directory.SignedNodeRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * This node on the DHT ({@code ref: nodeRecord}, routes/node-record.camel.yaml): publishes its signed record
 * under {@code /node/<peer id>} before the last one expires, joining the DHT through the peers of its directory
 * while it knows no DHT peer; and finds the record of a peer the directory does not know.
 */
public final class NodeRecordPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRecordPublisher.class);

    private final Supplier<Host> host;
    private final Supplier<KadDht> dht;
    private final PeerDirectory directory;
    private final DirectoryPeerResolver addresses;
    private final SignedNodeRecords records;
    private final NodeRecordValidator validator;
    private final String name;
    private final Duration lifetime;

    NodeRecordPublisher(Supplier<Host> host, Supplier<KadDht> dht, PeerDirectory directory,
                        DirectoryPeerResolver addresses, SignedNodeRecords records, String name, Duration lifetime) {
        this.host = host;
        this.dht = dht;
        this.directory = directory;
        this.addresses = addresses;
        this.records = records;
        this.validator = new NodeRecordValidator(records);
        this.name = name;
        this.lifetime = lifetime;
    }

    /**
     * Signs a fresh record and puts it to the closest DHT peers; returns how many took it. A node with no DHT peer
     * yet (its partners may not run the DHT) tries again at the next refresh: that is no error.
     */
    public int publish() {
        KadDht kad = dht.get();
        if (kad == null) {
            return 0;
        }
        try {
            return put(kad);
        } catch (Exception e) {
            LOG.debug("node record not published yet: {}", e.toString());
            return 0;
        }
    }

    private int put(KadDht kad) throws Exception {
        if (kad.tableSize() == 0) {
            List<Multiaddr> known = directoryAddresses();
            if (!known.isEmpty()) {
                kad.bootstrap(known).get(30, TimeUnit.SECONDS);
            }
        }
        Host self = host.get();
        PeerRecord known = directory.self();
        PeerRecord me = new PeerRecord(self.peerId().toString(), List.of(), null, Relation.SELF,
                known != null && known.name() != null ? known.name() : name, known == null ? null : known.did());
        byte[] value = records.seal(me, self.signedPeerRecord(self.advertisedAddresses()), lifetime, self::seal);
        int stored = kad.putValue(NodeRecordValidator.key(me.peerId()), value).get(30, TimeUnit.SECONDS);
        LOG.debug("node record of {} stored by {} DHT peers", me.peerId(), stored);
        return stored;
    }

    /** The checked record of {@code peerId} from the DHT, within {@code timeout}; empty when none is found. */
    public Optional<PeerRecord> find(String peerId, Duration timeout) {
        KadDht kad = dht.get();
        if (kad == null) {
            return Optional.empty();
        }
        String key = NodeRecordValidator.key(peerId);
        try {
            return kad.getValue(key).get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .map(value -> validator.open(key, value).peer());
        } catch (Exception e) {
            LOG.debug("no node record of {} on the DHT: {}", peerId, e.toString());
            return Optional.empty();
        }
    }

    /** The dialable addresses (with /p2p/) of the directory's peers: where to join the DHT. */
    private List<Multiaddr> directoryAddresses() {
        List<Multiaddr> out = new ArrayList<>();
        for (PeerRecord peer : directory.all()) {
            if (peer.relation() == Relation.BLACKLIST || peer.relation() == Relation.SELF) {
                continue;
            }
            try {
                PeerId id = PeerId.fromString(peer.peerId());
                addresses.addresses(id).forEach(a -> out.add(a.peerId() == null ? a.withPeerId(id) : a));
            } catch (Libp2pException | IllegalArgumentException stored) { // a record kept from before ids were checked
                LOG.debug("peer {} of the directory is no libp2p peer id: {}", peer.peerId(), stored.getMessage());
            }
        }
        return out;
    }
}
