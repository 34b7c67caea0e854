package org.opencloud.discovery.p2p.mux.yamux;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our side of yamux pings, on the session's event loop: at most one outstanding ping (js aborts on
 * a pong it did not ask for), the last measured round-trip time, and the keep-alive schedule.
 */
final class YamuxPing {

    private static final Logger log = LoggerFactory.getLogger(YamuxPing.class);

    private final YamuxSession session;
    private final long intervalNanos;
    private final long timeoutNanos;
    private int lastValue;
    private long sentAtNanos;
    private Promise<Long> outstanding;
    private long rttNanos = -1;
    private ScheduledFuture<?> keepAlive;
    private ScheduledFuture<?> timeout;

    YamuxPing(YamuxSession session, YamuxConfig config) {
        this.session = session;
        this.intervalNanos = config.keepAliveInterval().toNanos();
        this.timeoutNanos = config.keepAliveTimeout().toNanos();
    }

    /** Measures the RTT right away (window growth needs it) and starts keep-alive if enabled. */
    void start(EventExecutor loop) {
        ping(loop);
        if (intervalNanos > 0) {
            keepAlive = loop.scheduleAtFixedRate(() -> ping(loop), intervalNanos, intervalNanos,
                    TimeUnit.NANOSECONDS);
        }
    }

    /** Sends a ping unless one is outstanding; the future yields the round trip in nanoseconds. */
    Future<Long> ping(EventExecutor loop) {
        if (outstanding != null) {
            return outstanding;
        }
        Promise<Long> promise = loop.newPromise();
        outstanding = promise;
        lastValue++;
        sentAtNanos = System.nanoTime();
        session.outbound().writePing(YamuxFrame.FLAG_SYN, lastValue);
        session.outbound().flushIfIdle();
        if (intervalNanos > 0 && timeoutNanos > 0) {
            timeout = loop.schedule(() -> {
                if (outstanding == promise) {
                    session.keepAliveTimedOut(timeoutNanos);
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        return promise;
    }

    void onPong(int value) {
        if (outstanding == null || value != lastValue) {
            log.debug("ignoring yamux pong {} that matches no outstanding ping", Integer.toUnsignedString(value));
            return;
        }
        rttNanos = System.nanoTime() - sentAtNanos;
        Promise<Long> promise = outstanding;
        outstanding = null;
        cancelTimeout();
        promise.trySuccess(rttNanos);
    }

    /** The last measured round trip, or -1 before the first pong. */
    long rttNanos() {
        return rttNanos;
    }

    void stop(Libp2pException cause) {
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        cancelTimeout();
        if (outstanding != null) {
            outstanding.tryFailure(cause);
            outstanding = null;
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
