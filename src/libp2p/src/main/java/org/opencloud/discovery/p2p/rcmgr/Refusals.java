package org.opencloud.discovery.p2p.rcmgr;

import java.util.concurrent.atomic.LongAdder;

/** Refused reservations, by kind of scope and resource. */
final class Refusals {
    private final LongAdder[][] counts = new LongAdder[ScopeKind.values().length][Resource.values().length];

    Refusals() {
        for (LongAdder[] row : counts) {
            for (int i = 0; i < row.length; i++) {
                row[i] = new LongAdder();
            }
        }
    }

    void count(ScopeKind kind, Resource resource) {
        counts[kind.ordinal()][resource.ordinal()].increment();
    }

    long get(ScopeKind kind, Resource resource) {
        return counts[kind.ordinal()][resource.ordinal()].sum();
    }
}
