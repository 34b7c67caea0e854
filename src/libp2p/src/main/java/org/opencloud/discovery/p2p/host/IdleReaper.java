package org.opencloud.discovery.p2p.host;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a host's periodic clean-up: resets streams that moved no data for the stream idle timeout,
 * closes connections without streams for the idle timeout (and duplicates once they have none),
 * retries the receive credit that memory limits held back, and forgets ended refusal windows and
 * back-offs. A sender stalled by the memory limits moves no data, so if memory does not come free its
 * stream is reset as idle and what it held released.
 */
final class IdleReaper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdleReaper.class);

    private final Host host;
    private final Duration idleTimeout;
    private final Duration streamIdleTimeout;
    private final AtomicLong idleStreamsReset = new AtomicLong();
    private ScheduledExecutorService executor;

    IdleReaper(Host host, HostConfig config) {
        this.host = host;
        this.idleTimeout = config.idleTimeout();
        this.streamIdleTimeout = config.streamIdleTimeout();
    }

    /** Checks four times per the shorter timeout, so nothing lives much beyond its timeout. */
    void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "libp2p-idle-reaper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, Math.min(idleTimeout.toMillis(), streamIdleTimeout.toMillis()) / 4);
        executor.scheduleAtFixedRate(this::reap, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    long idleStreamsReset() {
        return idleStreamsReset.get();
    }

    private void reap() {
        host.admission().prune();
        long now = System.nanoTime();
        for (Connection c : host.connections()) {
            c.session().resetIdleStreams(streamIdleTimeout, idleStreamsReset::incrementAndGet);
            c.session().retryStalledGrants();
            if (c.streamCount() > 0) {
                c.touch();
                continue;
            }
            if (!host.isPrimary(c) || now - c.idleSinceNanos() > idleTimeout.toNanos()) {
                LOG.debug("closing idle {}", c);
                c.close();
            }
        }
    }
}
