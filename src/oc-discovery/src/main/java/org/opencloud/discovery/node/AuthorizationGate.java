package org.opencloud.discovery.node;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.ConnectionGate;
import org.opencloud.discovery.propagation.security.Authorization;

/** Refuses blacklisted peers at connection time, right after Noise authenticated them. */
final class AuthorizationGate implements ConnectionGate {
    private final Authorization authorization;

    AuthorizationGate(Authorization authorization) {
        this.authorization = authorization;
    }

    @Override
    public String refusal(PeerId peer, Multiaddr remoteAddress, boolean inbound) {
        return authorization.refusal(peer.toString());
    }
}
