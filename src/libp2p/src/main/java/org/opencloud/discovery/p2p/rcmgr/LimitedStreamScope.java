package org.opencloud.discovery.p2p.rcmgr;

import org.opencloud.discovery.p2p.core.PeerId;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A stream counted in its connection's, peer's and host's scopes, and in its protocol's once agreed. */
final class LimitedStreamScope extends MemorySpan implements StreamScope {
    private final LimitedResourceManager manager;
    private final LimitedConnectionScope connection;
    private final PeerId peer;
    private final Account peerAccount;
    private final Direction direction;
    private final Account account;
    private String protocol;
    private Account protocolAccount;

    LimitedStreamScope(LimitedResourceManager manager, LimitedConnectionScope connection, PeerId peer,
                       Direction direction) {
        super(manager.refusals);
        this.manager = manager;
        this.connection = connection;
        this.peer = peer;
        this.peerAccount = connection.peerAccount;
        this.direction = direction;
        this.account = new Account(ScopeKind.STREAM, manager.limits.stream());
    }

    @Override
    public synchronized boolean setProtocol(String protocol) {
        Objects.requireNonNull(protocol, "protocol");
        if (isDone() || this.protocol != null) {
            return protocol.equals(this.protocol);
        }
        Account acquired = manager.protocols.acquire(protocol);
        List<Account> just = List.of(acquired);
        if (!Chain.tryAdd(just, Resource.streams(direction), 1, refusals)) {
            manager.protocols.release(protocol, acquired);
            return false;
        }
        if (!Chain.tryAdd(just, Resource.MEMORY, memory(), refusals)) {
            acquired.subtract(Resource.streams(direction), 1);
            manager.protocols.release(protocol, acquired);
            return false;
        }
        this.protocol = protocol;
        this.protocolAccount = acquired;
        return true;
    }

    @Override
    public ResourceUsage usage() {
        return account.usage();
    }

    @Override
    protected synchronized List<Account> memoryChain() {
        List<Account> chain = new ArrayList<>(5);
        chain.add(account);
        chain.add(connection.account);
        chain.add(peerAccount);
        if (protocolAccount != null) {
            chain.add(protocolAccount);
        }
        chain.add(manager.host);
        return chain;
    }

    @Override
    protected void releaseOthers() {
        List<Account> chain = memoryChain();
        Chain.subtract(chain.subList(1, chain.size()), Resource.streams(direction), 1);
        manager.peers.release(peer, peerAccount);
        if (protocolAccount != null) {
            manager.protocols.release(protocol, protocolAccount);
        }
    }

    @Override
    public String toString() {
        return "stream scope (" + direction + ", " + peer + (protocol != null ? ", " + protocol : "") + ")";
    }
}
