package org.opencloud.discovery.p2p.rcmgr;

import org.opencloud.discovery.p2p.core.PeerId;

/**
 * The resources of one connection. Until its peer is known it counts among the host's pending
 * connections; {@link #setPeer} moves it to the peer's scope.
 */
public interface ConnectionScope extends ResourceScope {

    /** Moves the connection from the pending scope to {@code peer}'s; false (nothing moved) if refused. */
    boolean setPeer(PeerId peer);

    /**
     * Opens a stream on this connection, counted here, in the peer's scope and the host's.
     *
     * @return the stream's scope, or null if a limit refused it (counted)
     */
    StreamScope openStream(Direction direction);
}
