package org.opencloud.discovery.p2p.host;

import org.opencloud.discovery.p2p.core.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies the {@link StreamGate} to inbound streams, and backs off a peer it refuses repeatedly: after
 * {@link HostConfig#streamRefusalsBeforeBackoff} refusals within {@link HostConfig#streamRefusalWindow},
 * the peer's connections are closed and new ones refused for {@link HostConfig#peerBackoff}. A refused
 * stream costs a debug line; a back-off one warning. Thread-safe.
 */
final class StreamAdmission {
    private static final Logger LOG = LoggerFactory.getLogger(StreamAdmission.class);

    private final Host host;
    private final StreamGate gate;
    private final int limit;
    private final long windowNanos;
    private final long backoffNanos;
    private final Map<PeerId, Refusals> recent = new ConcurrentHashMap<>();
    private final Map<PeerId, Long> backedOffUntil = new ConcurrentHashMap<>();
    private final AtomicLong refusedStreams = new AtomicLong();
    private final AtomicLong backoffs = new AtomicLong();

    private record Refusals(long sinceNanos, int count) {
    }

    StreamAdmission(Host host, HostConfig config) {
        this.host = host;
        this.gate = config.streamGate();
        this.limit = config.streamRefusalsBeforeBackoff();
        this.windowNanos = config.streamRefusalWindow().toNanos();
        this.backoffNanos = config.peerBackoff().toNanos();
    }

    /** True when {@code stream} may go to its handler; otherwise it has been reset, before any byte was read. */
    boolean admit(Stream stream) {
        PeerId peer = stream.remotePeer();
        String reason;
        try {
            reason = gate.refusal(peer, stream.protocol());
        } catch (RuntimeException e) { // a gate that cannot decide does not admit
            reason = "the stream gate failed: " + e;
        }
        if (reason == null) {
            return true;
        }
        refusedStreams.incrementAndGet(); // counted before the reset, which the sender may see at once
        LOG.debug("refused {}: {}", stream, reason);
        long now = System.nanoTime();
        Refusals refusals = recent.compute(peer, (p, old) -> old == null || now - old.sinceNanos() > windowNanos
                ? new Refusals(now, 1) : new Refusals(old.sinceNanos(), old.count() + 1));
        boolean backOff = refusals.count() >= limit && recent.remove(peer, refusals);
        if (backOff) {
            backOff(peer, now, stream.protocol(), reason);
        }
        stream.reset();
        if (backOff) {
            disconnect(peer);
        }
        return false;
    }

    private void backOff(PeerId peer, long now, String protocol, String reason) {
        backedOffUntil.put(peer, now + backoffNanos);
        backoffs.incrementAndGet();
        LOG.warn("peer {} disconnected and refused for {} ms: {} streams refused within {} ms (the last on {}: {})",
                peer, backoffNanos / 1_000_000, limit, windowNanos / 1_000_000, protocol, reason);
    }

    /** Backs {@code peer} off for {@code duration} at a protocol's request, and disconnects it. */
    void refuse(PeerId peer, Duration duration) {
        backedOffUntil.merge(peer, System.nanoTime() + duration.toNanos(), (a, b) -> b - a > 0 ? b : a);
        backoffs.incrementAndGet();
        disconnect(peer);
    }

    private void disconnect(PeerId peer) {
        for (Connection c : host.connections()) {
            if (c.remotePeer().equals(peer)) {
                c.close();
            }
        }
    }

    /** True while {@code peer} is backed off: its connections are refused once it is authenticated. */
    boolean isBackedOff(PeerId peer) {
        Long until = backedOffUntil.get(peer);
        if (until == null) {
            return false;
        }
        if (System.nanoTime() - until < 0) {
            return true;
        }
        backedOffUntil.remove(peer, until);
        return false;
    }

    /** Forgets refusal windows and back-offs that have ended, so peers seen once do not stay in memory. */
    void prune() {
        long now = System.nanoTime();
        recent.values().removeIf(r -> now - r.sinceNanos() > windowNanos);
        backedOffUntil.values().removeIf(until -> now - until >= 0);
    }

    long refusedStreams() {
        return refusedStreams.get();
    }

    long backoffs() {
        return backoffs.get();
    }
}
