package org.opencloud.discovery.p2p.rcmgr;

import java.util.List;

/** A change made in a scope and all its enclosing ones together: all of them, or none. */
final class Chain {
    private Chain() {
    }

    /** Adds {@code amount} to every account, or to none, counting the refusal against the first that refused. */
    static boolean tryAdd(List<Account> accounts, Resource resource, long amount, Refusals refusals) {
        int refused = tryAdd(accounts, resource, amount, false);
        if (refused >= 0) {
            refusals.count(accounts.get(refused).kind, resource);
        }
        return refused < 0;
    }

    /** Adds {@code amount} to every account while each stays under half its limit, or to none; not a refusal. */
    static boolean tryAddSpare(List<Account> accounts, Resource resource, long amount) {
        return tryAdd(accounts, resource, amount, true) < 0;
    }

    /** The index of the account that refused, or -1 when all took {@code amount}. */
    private static int tryAdd(List<Account> accounts, Resource resource, long amount, boolean spare) {
        for (int i = 0; i < accounts.size(); i++) {
            if (!accounts.get(i).tryAdd(resource, amount, spare)) {
                for (int j = 0; j < i; j++) {
                    accounts.get(j).subtract(resource, amount);
                }
                return i;
            }
        }
        return -1;
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
