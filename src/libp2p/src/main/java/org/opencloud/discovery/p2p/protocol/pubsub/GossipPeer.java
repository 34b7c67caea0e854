package org.opencloud.discovery.p2p.protocol.pubsub;

import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer that speaks meshsub: our one outbound stream to it (we only write there), the topics it subscribes,
 * its budget and its gossip counters. Router thread only, but for the send counter the event loop decrements.
 */
final class GossipPeer {
    /** RPCs kept while our stream is being opened; the first is our subscriptions. */
    private static final int MAX_EARLY_RPCS = 16;

    final PeerId id;
    final Set<String> topics = new HashSet<>();
    final PeerBudget budget;
    /** IHAVE messages taken and message ids asked for in this heartbeat (go's peerhave and iasked). */
    int ihaves;
    int asked;
    Stream inbound;
    private Stream outbound;
    private boolean opening;
    private int reopenAttempts;
    private final ArrayDeque<RpcProto.RPC> early = new ArrayDeque<>();
    private final AtomicInteger pendingSends = new AtomicInteger();
    private final int maxPendingSends;

    GossipPeer(PeerId id, GossipConfig config, long nowNanos) {
        this.id = id;
        this.budget = new PeerBudget(config, nowNanos);
        this.maxPendingSends = config.maxPendingSends();
    }

    /** True when no stream is open or being opened, and one should be. */
    boolean needsStream() {
        return outbound == null && !opening;
    }

    void opening() {
        opening = true;
    }

    /** Our stream is open: what waited goes out first. */
    void opened(Stream stream) {
        opening = false;
        outbound = stream;
        while (!early.isEmpty()) {
            send(early.poll());
        }
    }

    /**
     * Our stream failed or ended; returns how many times it did for this peer, so a peer that resets every stream
     * we open is given up after a few (it comes back with its next connection).
     */
    int lost(Stream stream) {
        if (stream == null || stream == outbound) {
            outbound = null;
            opening = false;
            return ++reopenAttempts;
        }
        return reopenAttempts;
    }

    /** True when the peer speaks v1.1 (PRUNE backoff and peer exchange); unknown until our stream is open. */
    boolean v11() {
        Stream s = outbound;
        return s == null || GossipConfig.MESHSUB_V11.equals(s.protocol());
    }

    /** True when we dialled the peer: a mesh at D_hi only takes GRAFTs of such peers (go's defence against takeovers). */
    boolean dialledByUs() {
        Stream s = outbound;
        return s != null && !s.connection().isInbound();
    }

    /** Sends {@code rpc} on our stream; false when it was dropped (the peer does not read fast enough). */
    boolean send(RpcProto.RPC rpc) {
        Stream s = outbound;
        if (s == null) {
            if (early.size() == MAX_EARLY_RPCS) {
                return false;
            }
            early.add(rpc);
            return true;
        }
        if (pendingSends.get() >= maxPendingSends) {
            return false;
        }
        pendingSends.incrementAndGet();
        s.write(Varint.lengthPrefixed(rpc.toByteArray())).addListener(f -> pendingSends.decrementAndGet());
        return true;
    }

    void close() {
        early.clear();
        if (outbound != null) {
            outbound.closeWrite();
        }
        if (inbound != null) {
            inbound.reset();
        }
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
