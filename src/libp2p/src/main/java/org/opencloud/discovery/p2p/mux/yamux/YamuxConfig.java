package org.opencloud.discovery.p2p.mux.yamux;

import java.time.Duration;

/**
 * Settings of a yamux session.
 *
 * @param initialWindowSize receive credit each new stream starts with; above the spec's 256 KiB the
 *     difference is granted along with SYN/ACK
 * @param maxWindowSize the receive window of a stream grows up to this many bytes
 * @param maxFrameSize largest Data payload we write (inbound frames may be as long as the window)
 * @param maxUnackedOutboundStreams opening waits while this many of our streams await the peer's ACK
 * @param keepAliveInterval time between keep-alive pings; zero disables keep-alive
 * @param keepAliveTimeout the session closes when a keep-alive ping is unanswered for this long
 */
public record YamuxConfig(
        int initialWindowSize,
        int maxWindowSize,
        int maxFrameSize,
        int maxUnackedOutboundStreams,
        Duration keepAliveInterval,
        Duration keepAliveTimeout) {

    /** Credit every stream direction has before any Window Update (fixed by the spec). */
    public static final int SPEC_INITIAL_WINDOW = 256 * 1024;

    public YamuxConfig {
        if (initialWindowSize < SPEC_INITIAL_WINDOW) {
            // The peer assumes 256 KiB from the start; a window cannot be taken back.
            throw new IllegalArgumentException("initialWindowSize below 256 KiB: " + initialWindowSize);
        }
        if (maxWindowSize < initialWindowSize) {
            throw new IllegalArgumentException("maxWindowSize below initialWindowSize: " + maxWindowSize);
        }
        if (maxFrameSize <= 0 || maxUnackedOutboundStreams <= 0) {
            throw new IllegalArgumentException("frame size and stream limits must be positive");
        }
        if (keepAliveInterval.isNegative() || keepAliveTimeout.isNegative()) {
            throw new IllegalArgumentException("keep-alive durations must not be negative");
        }
    }

    /**
     * 256 KiB growing to 4 MiB (go-libp2p grows to 16 MiB; 4 MiB fills a 1 Gbit/s link at 30 ms and
     * leaves a stream's memory budget room for the message being read), 64 KiB frames, ping every
     * 30 s, 10 s to answer. How many streams a peer may open is the resource manager's to say.
     */
    public static YamuxConfig defaults() {
        return new YamuxConfig(SPEC_INITIAL_WINDOW, 4 * 1024 * 1024, 64 * 1024, 256,
                Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    /** A copy with other keep-alive timing. */
    public YamuxConfig withKeepAlive(Duration interval, Duration timeout) {
        return new YamuxConfig(initialWindowSize, maxWindowSize, maxFrameSize, maxUnackedOutboundStreams,
                interval, timeout);
    }
}
