package org.opencloud.discovery.p2p.protocol.identify;

import org.opencloud.discovery.p2p.core.Multiaddr;

import java.util.List;

/**
 * What a peer said about itself over identify.
 *
 * @param certifiedAddresses the addresses of the signed peer record it sent, checked to be its own; empty
 *                           when it sent none or an invalid one
 */
public record PeerInfo(String agentVersion, String protocolVersion, List<String> protocols,
                       List<Multiaddr> listenAddresses, Multiaddr observedAddress, List<Multiaddr> certifiedAddresses) {
}
