package org.opencloud.discovery.p2p.host;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;

/**
 * Decides, once Noise has authenticated the remote peer, whether a connection may go on (go-libp2p's
 * {@code InterceptSecured}). A refused connection is closed before any stream is opened.
 */
@FunctionalInterface
public interface ConnectionGate {
    ConnectionGate ALLOW_ALL = (peer, address, inbound) -> null;

    /**
     * @return null to accept, otherwise the reason for refusing (logged)
     */
    String refusal(PeerId peer, Multiaddr remoteAddress, boolean inbound);
}
