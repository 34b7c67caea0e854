package org.opencloud.discovery.propagation;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Warnings about expected rejections, at most one line per kind and period: a peer or an app that
 * sends thousands of bad messages costs a few log lines, not thousands, and the line that is written
 * says how many were not ({@code "(+41 more UNKNOWN_PEER in the last 1 s)"}).
 */
public final class RateLimitedLog {
    private final Logger log;
    private final long periodNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public RateLimitedLog(Logger log, Duration period) {
        this(log, period, System::nanoTime);
    }

    RateLimitedLog(Logger log, Duration period, LongSupplier clock) {
        this.log = log;
        this.periodNanos = period.toNanos();
        this.clock = clock;
    }

    /** Logs {@code message} at warn unless a line of this {@code kind} was written within the period. */
    public void warn(String kind, String message) {
        Window window = windows.computeIfAbsent(kind, k -> new Window());
        long now = clock.getAsLong();
        long suppressed;
        synchronized (window) {
            if (window.written && now - window.lastWritten < periodNanos) {
                window.suppressed++;
                return;
            }
            window.written = true;
            window.lastWritten = now;
            suppressed = window.suppressed;
            window.suppressed = 0;
        }
        if (suppressed == 0) {
            log.warn(message);
        } else {
            log.warn("{} (+{} more {} since the last such line)", message, suppressed, kind);
        }
    }

    /** Guarded by itself. */
    private static final class Window {
        private boolean written;
        private long lastWritten;
        private long suppressed;
    }
}
