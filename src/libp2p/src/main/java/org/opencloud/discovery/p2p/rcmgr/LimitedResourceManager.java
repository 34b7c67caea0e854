package org.opencloud.discovery.p2p.rcmgr;

import org.opencloud.discovery.p2p.core.PeerId;

import java.util.List;

/** The {@link ResourceManager} that holds every scope to its {@link ResourceLimits}. */
public final class LimitedResourceManager implements ResourceManager {
    final ResourceLimits limits;
    final Account host;
    final Account pending;
    final Accounts<PeerId> peers;
    final Accounts<String> protocols;
    final Refusals refusals = new Refusals();

    public LimitedResourceManager(ResourceLimits limits) {
        this.limits = limits;
        this.host = new Account(ScopeKind.HOST, limits.host());
        this.pending = new Account(ScopeKind.PENDING, limits.pending());
        this.peers = new Accounts<>(ScopeKind.PEER, limits.peer());
        this.protocols = new Accounts<>(ScopeKind.PROTOCOL, limits.protocol());
    }

    @Override
    public ConnectionScope openConnection(Direction direction) {
        if (!Chain.tryAdd(List.of(pending, host), Resource.connections(direction), 1, refusals)) {
            return null;
        }
        return new LimitedConnectionScope(this, direction);
    }

    @Override
    public ResourceUsage hostUsage() {
        return host.usage();
    }

    @Override
    public ResourceUsage peerUsage(PeerId peer) {
        return peers.usage(peer);
    }

    @Override
    public ResourceUsage protocolUsage(String protocol) {
        return protocols.usage(protocol);
    }

    /** Inbound connections in their handshake now, and our dials not yet authenticated. */
    public ResourceUsage pendingUsage() {
        return pending.usage();
    }

    @Override
    public long refusals(ScopeKind kind, Resource resource) {
        return refusals.get(kind, resource);
    }
}
