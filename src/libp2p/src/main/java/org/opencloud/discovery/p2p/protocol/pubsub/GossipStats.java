package org.opencloud.discovery.p2p.protocol.pubsub;

import java.util.concurrent.atomic.AtomicLong;

/** What a {@link Gossipsub} did and refused, for tests and metrics; each counter only grows. */
public final class GossipStats {
    final AtomicLong published = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong invalid = new AtomicLong();
    final AtomicLong throttled = new AtomicLong();
    final AtomicLong refusedRpcs = new AtomicLong();
    final AtomicLong graylisted = new AtomicLong();
    final AtomicLong droppedSends = new AtomicLong();

    /** Messages we published. */
    public long published() {
        return published.get();
    }

    /** Messages of others handed to our subscribers (each once, whatever the number of handlers). */
    public long delivered() {
        return delivered.get();
    }

    /** Messages dropped because their id was in the seen cache. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Messages refused by StrictSign: unsigned, incomplete, a seqno not of 8 bytes, a bad key or signature. */
    public long invalid() {
        return invalid.get();
    }

    /** Messages dropped because their sender was over its rate. */
    public long throttled() {
        return throttled.get();
    }

    /** RPC frames refused whole: oversized, malformed protobuf, a bad length prefix; their stream was reset. */
    public long refusedRpcs() {
        return refusedRpcs.get();
    }

    /** Peers disconnected and refused for a while for the penalties they collected. */
    public long graylisted() {
        return graylisted.get();
    }

    /** RPCs not sent because the peer did not read what we sent before. */
    public long droppedSends() {
        return droppedSends.get();
    }

    @Override
    public String toString() {
        return "published " + published + ", delivered " + delivered + ", duplicates " + duplicates + ", invalid "
                + invalid + ", throttled " + throttled + ", refused RPCs " + refusedRpcs + ", graylisted " + graylisted
                + ", dropped sends " + droppedSends;
    }
}
