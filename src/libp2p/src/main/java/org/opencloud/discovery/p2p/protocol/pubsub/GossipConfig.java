package org.opencloud.discovery.p2p.protocol.pubsub;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link Gossipsub}; mutable while building, read once by {@link Gossipsub#install}. Defaults are
 * go-libp2p-pubsub's (D = 6, D_lo = 5, D_hi = 12, D_lazy = 6, heartbeat 1 s, 5 history windows of which 3 are
 * gossiped, fanout TTL 1 min, PRUNE backoff 1 min, seen cache 2 min, RPCs up to 1 MiB); the per-peer limits are
 * ours (go relies on peer scoring, which we do not implement).
 */
public final class GossipConfig {
    /** The protocols we speak, preferred first; a peer speaking 1.2 or later agrees on 1.1. */
    public static final String MESHSUB_V11 = "/meshsub/1.1.0";
    public static final String MESHSUB_V10 = "/meshsub/1.0.0";
    static final List<String> PROTOCOLS = List.of(MESHSUB_V11, MESHSUB_V10);

    private int d = 6;
    private int dLow = 5;
    private int dHigh = 12;
    private int dLazy = 6;
    private double gossipFactor = 0.25;
    private Duration heartbeat = Duration.ofSeconds(1);
    private Duration fanoutTtl = Duration.ofMinutes(1);
    private int historyLength = 5;
    private int historyGossip = 3;
    private Duration seenTtl = Duration.ofMinutes(2);
    private int maxSeen = 200_000;
    private Duration pruneBackoff = Duration.ofMinutes(1);
    private Duration unsubscribeBackoff = Duration.ofSeconds(10);
    private int maxRpcSize = 1 << 20;
    private MessageIdFunction messageId = MessageIdFunction.FROM_AND_SEQNO;
    private boolean floodPublish = true;
    private int maxIHaveLength = 5000;
    private int maxIHaveMessages = 10;
    private int gossipRetransmission = 3;
    private int prunePeers = 16;
    private int maxTopicsPerPeer = 256;
    private int maxMessagesPerSecond = 1000;
    private long maxBytesPerSecond = 16L << 20;
    private int penaltyThreshold = 1000;
    private Duration penaltyWindow = Duration.ofSeconds(10);
    private Duration graylistDuration = Duration.ofMinutes(1);
    private int maxQueuedRpcs = 64;
    private int maxPendingSends = 256;

    /** The mesh degree and its bounds: below {@code low} the heartbeat grafts up to {@code d}, above {@code high} it prunes to {@code d}. */
    public GossipConfig meshDegree(int d, int low, int high) {
        if (low < 1 || low > d || d > high) {
            throw new IllegalArgumentException("mesh degree needs 1 <= low <= d <= high: " + low + ", " + d + ", " + high);
        }
        this.d = d;
        this.dLow = low;
        this.dHigh = high;
        return this;
    }

    /** At least this many peers outside the mesh get IHAVE gossip per topic and heartbeat. */
    public GossipConfig gossipDegree(int dLazy) {
        this.dLazy = dLazy;
        return this;
    }

    public GossipConfig heartbeat(Duration interval) {
        this.heartbeat = Objects.requireNonNull(interval);
        return this;
    }

    /** How long after our last publish a topic we do not subscribe keeps its fanout peers. */
    public GossipConfig fanoutTtl(Duration ttl) {
        this.fanoutTtl = ttl;
        return this;
    }

    /** Heartbeat windows the message cache keeps (IWANT answered from them) and how many of them are gossiped. */
    public GossipConfig history(int length, int gossip) {
        if (gossip < 1 || gossip > length) {
            throw new IllegalArgumentException("gossip windows must be 1 to the history length: " + gossip + " of " + length);
        }
        this.historyLength = length;
        this.historyGossip = gossip;
        return this;
    }

    /** How long a message id is remembered to drop duplicates, and at most how many are. */
    public GossipConfig seenCache(Duration ttl, int maxEntries) {
        this.seenTtl = ttl;
        this.maxSeen = maxEntries;
        return this;
    }

    /** Backoff after a PRUNE (sent or received) and after we leave a topic. */
    public GossipConfig backoff(Duration prune, Duration unsubscribe) {
        this.pruneBackoff = prune;
        this.unsubscribeBackoff = unsubscribe;
        return this;
    }

    /** Largest RPC frame read or written, refused from its length prefix. */
    public GossipConfig maxRpcSize(int bytes) {
        this.maxRpcSize = bytes;
        return this;
    }

    public GossipConfig messageId(MessageIdFunction function) {
        this.messageId = Objects.requireNonNull(function);
        return this;
    }

    /** v1.1 flood publishing: our own messages go to every peer of the topic, not only the mesh. */
    public GossipConfig floodPublish(boolean flood) {
        this.floodPublish = flood;
        return this;
    }

    /**
     * A peer's budget: messages and bytes per second it may hand us (beyond them they are dropped, each a
     * penalty point), and the points within {@code window} that graylist it (disconnected and refused for
     * {@code graylist}). Invalid messages cost 10 points, malformed or oversized RPCs 100, a GRAFT in backoff 1.
     */
    public GossipConfig peerLimits(int messagesPerSecond, long bytesPerSecond, int penaltyThreshold, Duration window,
                                   Duration graylist) {
        this.maxMessagesPerSecond = messagesPerSecond;
        this.maxBytesPerSecond = bytesPerSecond;
        this.penaltyThreshold = penaltyThreshold;
        this.penaltyWindow = window;
        this.graylistDuration = graylist;
        return this;
    }

    int d() { return d; }

    int dLow() { return dLow; }

    int dHigh() { return dHigh; }

    int dLazy() { return dLazy; }

    double gossipFactor() { return gossipFactor; }

    Duration heartbeat() { return heartbeat; }

    Duration fanoutTtl() { return fanoutTtl; }

    int historyLength() { return historyLength; }

    int historyGossip() { return historyGossip; }

    Duration seenTtl() { return seenTtl; }

    int maxSeen() { return maxSeen; }

    Duration pruneBackoff() { return pruneBackoff; }

    Duration unsubscribeBackoff() { return unsubscribeBackoff; }

    int maxRpcSize() { return maxRpcSize; }

    MessageIdFunction messageId() { return messageId; }

    boolean floodPublish() { return floodPublish; }

    int maxIHaveLength() { return maxIHaveLength; }

    int maxIHaveMessages() { return maxIHaveMessages; }

    int gossipRetransmission() { return gossipRetransmission; }

    int prunePeers() { return prunePeers; }

    int maxTopicsPerPeer() { return maxTopicsPerPeer; }

    int maxMessagesPerSecond() { return maxMessagesPerSecond; }

    long maxBytesPerSecond() { return maxBytesPerSecond; }

    int penaltyThreshold() { return penaltyThreshold; }

    Duration penaltyWindow() { return penaltyWindow; }

    Duration graylistDuration() { return graylistDuration; }

    int maxQueuedRpcs() { return maxQueuedRpcs; }

    int maxPendingSends() { return maxPendingSends; }
}
