package org.opencloud.discovery.p2p.rcmgr;

import org.opencloud.discovery.p2p.core.PeerId;

/**
 * Decides what a host may hold: where connections and streams begin, and what they hold counted in
 * their enclosing scopes. Thread-safe.
 */
public interface ResourceManager {

    /**
     * Opens a connection's scope, counted among the pending connections and the host's.
     *
     * @return the scope, or null if a limit refused the connection (counted)
     */
    ConnectionScope openConnection(Direction direction);

    /** What the whole host holds now. */
    ResourceUsage hostUsage();

    /** What {@code peer}'s scope holds now (nothing once its last connection closed). */
    ResourceUsage peerUsage(PeerId peer);

    /** What {@code protocol}'s scope holds now. */
    ResourceUsage protocolUsage(String protocol);

    /** Reservations refused so far by scopes of {@code kind} for {@code resource}. */
    long refusals(ScopeKind kind, Resource resource);
}
