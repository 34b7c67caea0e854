package org.opencloud.discovery.camel;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;

import java.util.List;

/**
 * Where a peer can be dialled, for producers that know only its id (the product's peer directory
 * implements it). Called on a Camel thread before dialling; it may block briefly on a local lookup.
 */
@FunctionalInterface
public interface Libp2pPeerAddressResolver {

    /** The peer's addresses, best first, with or without {@code /p2p/}; empty when unknown. */
    List<Multiaddr> addresses(PeerId peer);
}
