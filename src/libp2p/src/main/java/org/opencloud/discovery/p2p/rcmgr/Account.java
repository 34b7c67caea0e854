package org.opencloud.discovery.p2p.rcmgr;

/**
 * The counters of one scope against its limit. Each change is atomic on its own; changes spanning
 * scopes are made by {@link Chain}. {@code refs} is guarded by the {@link Accounts} registry.
 */
final class Account {
    final ScopeKind kind;
    private final ScopeLimit limit;
    private final long[] used = new long[Resource.values().length];
    int refs;

    Account(ScopeKind kind, ScopeLimit limit) {
        this.kind = kind;
        this.limit = limit;
    }

    /** Adds {@code amount} unless that would exceed the limit (or half of it, for {@code spare}). */
    synchronized boolean tryAdd(Resource resource, long amount, boolean spare) {
        long ceiling = spare ? limit.of(resource) / 2 : limit.of(resource);
        if (used[resource.ordinal()] + amount > ceiling) {
            return false;
        }
        used[resource.ordinal()] += amount;
        return true;
    }

    /** Adds {@code amount} whatever the limit. */
    synchronized void add(Resource resource, long amount) {
        used[resource.ordinal()] += amount;
    }

    synchronized void subtract(Resource resource, long amount) {
        used[resource.ordinal()] -= amount;
    }

    synchronized ResourceUsage usage() {
        return new ResourceUsage(used[0], used[1], used[2], used[3], used[4]);
    }
}
