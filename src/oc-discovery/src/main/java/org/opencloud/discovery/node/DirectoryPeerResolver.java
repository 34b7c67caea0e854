package org.opencloud.discovery.node;

import org.opencloud.discovery.camel.Libp2pPeerAddressResolver;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a peer's addresses in the peer directory, for the libp2p producers. Each record's addresses are parsed once,
 * not at every delivery (parsing them, a /p2p address's peer id in base58 above all, was 5 % of a sending node's
 * CPU, JFR).
 */
final class DirectoryPeerResolver implements Libp2pPeerAddressResolver {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryPeerResolver.class);
    /** More peers than any directory here holds: past it the parsed addresses are forgotten and parsed again. */
    private static final int MAX_PARSED = 4096;

    private record Parsed(PeerRecord record, List<Multiaddr> addresses) {
    }

    private final PeerDirectory directory;
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    DirectoryPeerResolver(PeerDirectory directory) {
        this.directory = directory;
    }

    @Override
    public List<Multiaddr> addresses(PeerId peer) {
        PeerRecord record = directory.findByPeerId(peer.toString());
        if (record == null) {
            return List.of();
        }
        Parsed known = parsed.get(record.peerId());
        if (known != null && known.record().equals(record)) {
            return known.addresses();
        }
        List<Multiaddr> out = new ArrayList<>();
        for (String address : record.addresses()) {
            try {
                out.add(Multiaddr.of(address));
            } catch (Libp2pException e) {
                LOG.warn("peer {} has an unreadable address '{}' in the directory: {}", peer, address, e.getMessage());
            }
        }
        if (parsed.size() >= MAX_PARSED) {
            parsed.clear();
        }
        List<Multiaddr> addresses = List.copyOf(out);
        parsed.put(record.peerId(), new Parsed(record, addresses));
        return addresses;
    }
}
