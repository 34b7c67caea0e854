package org.opencloud.discovery.node;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.ConnectionGate;
import org.opencloud.discovery.p2p.host.StreamGate;
import org.opencloud.discovery.propagation.security.Authorization;

/**
 * Refuses blacklisted peers at connection time, right after Noise authenticated them, and streams of a
 * resource protocol the peer may not send as soon as the protocol is agreed, before the node reads them.
 */
final class AuthorizationGate implements ConnectionGate, StreamGate {
    private final Authorization authorization;

    AuthorizationGate(Authorization authorization) {
        this.authorization = authorization;
    }

    @Override
    public String refusal(PeerId peer, Multiaddr remoteAddress, boolean inbound) {
        return authorization.refusal(peer.toString());
    }

    @Override
    public String refusal(PeerId peer, String protocol) {
        return authorization.streamRefusal(peer.toString(), protocol);
    }
}
