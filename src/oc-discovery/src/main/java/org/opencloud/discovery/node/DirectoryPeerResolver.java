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

/** Finds a peer's addresses in the peer directory, for the libp2p producers. */
final class DirectoryPeerResolver implements Libp2pPeerAddressResolver {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryPeerResolver.class);
    private final PeerDirectory directory;

    DirectoryPeerResolver(PeerDirectory directory) {
        this.directory = directory;
    }

    @Override
    public List<Multiaddr> addresses(PeerId peer) {
        PeerRecord record = directory.findByPeerId(peer.toString());
        List<Multiaddr> out = new ArrayList<>();
        if (record == null) {
            return out;
        }
        for (String address : record.addresses()) {
            try {
                out.add(Multiaddr.of(address));
            } catch (Libp2pException e) {
                LOG.warn("peer {} has an unreadable address '{}' in the directory: {}", peer, address, e.getMessage());
            }
        }
        return out;
    }
}
