package org.opencloud.discovery.p2p.rcmgr;

import java.util.List;

/** A change made in a scope and all its enclosing ones together: all of them, or none. */
final class Chain {
    private Chain() {
    }

    /** Adds {@code amount} to every account, or to none, counting the refusal against the first that refused. */
    static boolean tryAdd(List<Account> accounts, Resource resource, long amount, Refusals refusals) {
        for (int i = 0; i < accounts.size(); i++) {
            if (!accounts.get(i).tryAdd(resource, amount)) {
                for (int j = 0; j < i; j++) {
                    accounts.get(j).subtract(resource, amount);
                }
                refusals.count(accounts.get(i).kind, resource);
                return false;
            }
        }
        return true;
    }

    static void add(List<Account> accounts, Resource resource, long amount) {
        for (Account a : accounts) {
            a.add(resource, amount);
        }
    }

    static void subtract(List<Account> accounts, Resource resource, long amount) {
        for (Account a : accounts) {
            a.subtract(resource, amount);
        }
    }
}
