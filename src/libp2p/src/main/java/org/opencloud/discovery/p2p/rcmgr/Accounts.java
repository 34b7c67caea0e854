package org.opencloud.discovery.p2p.rcmgr;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accounts of one kind of named scope (peers, protocols), created on first use and dropped when the
 * last connection or stream referring to them is done, so peers seen once do not stay in memory.
 */
final class Accounts<K> {
    private final ScopeKind kind;
    private final ScopeLimit limit;
    private final Map<K, Account> byName = new ConcurrentHashMap<>();

    Accounts(ScopeKind kind, ScopeLimit limit) {
        this.kind = kind;
        this.limit = limit;
    }

    /** The account of {@code name}, with one more reference. */
    Account acquire(K name) {
        return byName.compute(name, (k, a) -> {
            Account account = a != null ? a : new Account(kind, limit);
            account.refs++;
            return account;
        });
    }

    /** Drops a reference taken by {@link #acquire}; the account goes once none is left. */
    void release(K name, Account account) {
        byName.computeIfPresent(name, (k, a) -> {
            if (a != account) {
                return a;
            }
            a.refs--;
            return a.refs == 0 ? null : a;
        });
    }

    ResourceUsage usage(K name) {
        Account a = byName.get(name);
        return a == null ? ResourceUsage.NONE : a.usage();
    }
}
