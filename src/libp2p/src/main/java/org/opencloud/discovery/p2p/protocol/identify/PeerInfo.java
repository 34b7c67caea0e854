package org.opencloud.discovery.p2p.protocol.identify;

import org.opencloud.discovery.p2p.core.Multiaddr;

import java.util.List;

/** What a peer said about itself over identify. */
public record PeerInfo(String agentVersion, String protocolVersion, List<String> protocols,
                       List<Multiaddr> listenAddresses, Multiaddr observedAddress) {
}
