package org.opencloud.discovery.p2p.host;

import org.opencloud.discovery.p2p.core.PeerId;

/**
 * Decides whether an inbound stream may reach its protocol's handler, asked on the connection's
 * event loop once multistream-select agreed on a protocol this host serves and before any of the
 * stream's data is read. A refused stream is reset at once. It must not block.
 */
@FunctionalInterface
public interface StreamGate {
    StreamGate ALLOW_ALL = (peer, protocol) -> null;

    /**
     * @return null to admit, otherwise the reason for refusing
     */
    String refusal(PeerId peer, String protocol);
}
