package org.opencloud.discovery.e2e;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test started (nodes, nats-servers, hosts, subscriptions), closed after it in the reverse order: everything is
 * closed even when one close fails, and the first failure is thrown with the others suppressed onto it.
 */
final class Running {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Registers {@code closeable} to be closed before everything added earlier; returns it. */
    <T extends AutoCloseable> T add(T closeable) {
        started.push(closeable);
        return closeable;
    }

    void closeAll() throws Exception {
        Exception failure = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
