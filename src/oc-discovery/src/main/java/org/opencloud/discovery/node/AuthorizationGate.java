package org.opencloud.discovery.node;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.ConnectionGate;
import org.opencloud.discovery.p2p.host.StreamGate;
import org.opencloud.discovery.propagation.security.Authorization;

/**
 * Refuses blacklisted peers at connection time, right after Noise authenticated them, and streams of a
 * resource protocol the peer may not send as soon as the protocol is agreed, before the node reads them: among
 * them result streams from a peer no open search of this node's went to.
 */
final class AuthorizationGate implements ConnectionGate, StreamGate {
    private final Authorization authorization;
    private final String resultProtocol;
    private final SearchRequests searches;

    /** @param resultProtocol the protocol searched peers send results on, admitted only while {@code searches} wait */
    AuthorizationGate(Authorization authorization, String resultProtocol, SearchRequests searches) {
        this.authorization = authorization;
        this.resultProtocol = resultProtocol;
        this.searches = searches;
    }

    @Override
    public String refusal(PeerId peer, Multiaddr remoteAddress, boolean inbound) {
        return authorization.refusal(peer.toString());
    }

    @Override
    public String refusal(PeerId peer, String protocol) {
        String refusal = authorization.streamRefusal(peer.toString(), protocol);
        return refusal == null && protocol.equals(resultProtocol) ? searches.resultStreamRefusal(peer.toString())
                : refusal;
    }
}
