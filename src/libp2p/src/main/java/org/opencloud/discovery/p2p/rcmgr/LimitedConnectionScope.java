package org.opencloud.discovery.p2p.rcmgr;

import org.opencloud.discovery.p2p.core.PeerId;

import java.util.List;
import java.util.Objects;

/** A connection counted among the pending connections, then in its peer's scope; and the streams opened on it. */
final class LimitedConnectionScope extends MemorySpan implements ConnectionScope {
    private final LimitedResourceManager manager;
    private final Direction direction;
    final Account account;
    private PeerId peer;
    Account peerAccount;

    LimitedConnectionScope(LimitedResourceManager manager, Direction direction) {
        super(manager.refusals);
        this.manager = manager;
        this.direction = direction;
        this.account = new Account(ScopeKind.CONNECTION, manager.limits.connection());
    }

    @Override
    public synchronized boolean setPeer(PeerId peer) {
        Objects.requireNonNull(peer, "peer");
        if (isDone() || this.peer != null) {
            return false;
        }
        Account acquired = manager.peers.acquire(peer);
        if (!Chain.tryAdd(List.of(acquired), Resource.connections(direction), 1, refusals)) {
            manager.peers.release(peer, acquired);
            return false;
        }
        manager.pending.subtract(Resource.connections(direction), 1);
        this.peer = peer;
        this.peerAccount = acquired;
        return true;
    }

    @Override
    public synchronized StreamScope openStream(Direction streamDirection) {
        if (isDone() || peer == null) {
            return null;
        }
        List<Account> chain = List.of(account, peerAccount, manager.host);
        if (!Chain.tryAdd(chain, Resource.streams(streamDirection), 1, refusals)) {
            return null;
        }
        manager.peers.acquire(peer); // the stream keeps the peer's account alive
        return new LimitedStreamScope(manager, this, peer, streamDirection);
    }

    @Override
    public ResourceUsage usage() {
        return account.usage();
    }

    @Override
    protected synchronized List<Account> memoryChain() {
        return peerAccount == null ? List.of(account, manager.pending, manager.host)
                : List.of(account, peerAccount, manager.host);
    }

    @Override
    protected void releaseOthers() {
        Resource connections = Resource.connections(direction);
        if (peerAccount == null) {
            Chain.subtract(List.of(manager.pending, manager.host), connections, 1);
        } else {
            Chain.subtract(List.of(peerAccount, manager.host), connections, 1);
            manager.peers.release(peer, peerAccount);
        }
    }

    @Override
    public String toString() {
        return "connection scope (" + direction + (peer != null ? ", " + peer : ", pending") + ")";
    }
}
