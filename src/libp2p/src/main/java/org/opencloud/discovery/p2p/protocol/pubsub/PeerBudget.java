package org.opencloud.discovery.p2p.protocol.pubsub;

/**
 * What one peer may cost us: token buckets of messages and bytes per second (a burst of one second's worth),
 * and penalty points within a window, past a threshold of which the peer is graylisted. Router thread only.
 */
final class PeerBudget {
    private final GossipConfig config;
    private double messages;
    private double bytes;
    private long refilledNanos;
    private int penalties;
    private long penaltiesSinceNanos;

    PeerBudget(GossipConfig config, long nowNanos) {
        this.config = config;
        this.messages = config.maxMessagesPerSecond();
        this.bytes = config.maxBytesPerSecond();
        this.refilledNanos = nowNanos;
        this.penaltiesSinceNanos = nowNanos;
    }

    /** Takes one message of {@code size} bytes from the buckets; false when the peer is over its rate. */
    boolean take(int size, long nowNanos) {
        double seconds = (nowNanos - refilledNanos) / 1e9;
        refilledNanos = nowNanos;
        messages = Math.min(config.maxMessagesPerSecond(), messages + seconds * config.maxMessagesPerSecond());
        bytes = Math.min(config.maxBytesPerSecond(), bytes + seconds * config.maxBytesPerSecond());
        if (messages < 1 || bytes < size) {
            return false;
        }
        messages--;
        bytes -= size;
        return true;
    }

    /** Adds {@code points}; true when the peer just crossed the threshold within the window. */
    boolean penalize(int points, long nowNanos) {
        if (nowNanos - penaltiesSinceNanos > config.penaltyWindow().toNanos()) {
            penalties = 0;
            penaltiesSinceNanos = nowNanos;
        }
        boolean below = penalties < config.penaltyThreshold();
        penalties += points;
        return below && penalties >= config.penaltyThreshold();
    }
}
