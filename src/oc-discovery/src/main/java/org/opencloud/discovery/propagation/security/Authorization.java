package org.opencloud.discovery.propagation.security;

import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.RateLimitedLog;
import org.opencloud.discovery.propagation.codec.Action;
import org.opencloud.discovery.propagation.codec.ResourceProtocols;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.directory.Relation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides whether a remote peer (its id as authenticated by Noise, never the event's
 * {@code from} field) may connect and may deliver an action. Every refusal is counted by reason and
 * logged at warn, at most once a second per reason. Thread-safe.
 */
public final class Authorization {

    private static final Logger LOG = LoggerFactory.getLogger(Authorization.class);

    private final RateLimitedLog refusalLog = new RateLimitedLog(LOG, Duration.ofSeconds(1));
    private final PeerDirectory directory;
    private final ResourceProtocols protocols;
    private final Map<Reason, AtomicLong> refusals = new EnumMap<>(Reason.class);

    /** @param protocols the action each served protocol carries, so that a stream is judged by what it may carry */
    public Authorization(PeerDirectory directory, ResourceProtocols protocols) {
        this.directory = directory;
        this.protocols = protocols;
        for (Reason reason : new Reason[] {Reason.BLACKLISTED, Reason.NOT_PARTNER, Reason.UNKNOWN_PEER}) {
            refusals.put(reason, new AtomicLong());
        }
    }

    /**
     * The connection gate: null when the peer may connect, else the refusal reason name.
     * Only BLACKLIST peers are refused here; unknown peers may connect (identify, ping, search).
     */
    public String refusal(String peerId) {
        PeerRecord peer = directory.findByPeerId(peerId);
        if (peer != null && peer.relation() == Relation.BLACKLIST) {
            return refuse(peerId, "connection", Reason.BLACKLISTED).name();
        }
        return null;
    }

    /**
     * Admits an inbound action from a peer or throws {@link PeerRefusedException} with
     * BLACKLISTED, NOT_PARTNER (create/update/delete from a known non-partner) or UNKNOWN_PEER
     * (create/update/delete/considers from a peer absent from the directory). Other actions
     * are refused only to BLACKLIST peers.
     */
    public void authorize(String peerId, Action action) {
        Reason reason = decide(directory.findByPeerId(peerId), action);
        if (reason != null) {
            refuse(peerId, action.name(), reason);
            throw new PeerRefusedException(reason, action + " from peer " + peerId + " refused");
        }
    }

    /**
     * The stream gate, asked when a peer opens a stream, before any byte of it is read: null when the
     * peer may send on {@code protocolId}, else the refusal reason name, counted and logged as
     * {@link #authorize} does (the refused message never reaches a route, so it is counted once).
     * Protocols that carry no resource action (identify, ping) are admitted: the connection gate
     * already refused blacklisted peers.
     */
    public String streamRefusal(String peerId, String protocolId) {
        Action action = protocols.action(protocolId);
        if (action == null) {
            return null;
        }
        Reason reason = decide(directory.findByPeerId(peerId), action);
        return reason == null ? null : refuse(peerId, action.name(), reason).name();
    }

    /**
     * {@link #authorize} for the action a resource protocol carries, which it returns; UNKNOWN_ACTION for other
     * protocols.
     */
    public Action authorizeProtocol(String peerId, String protocolId) {
        Action action = protocols.action(protocolId);
        if (action == null) {
            throw new PropagationException(Reason.UNKNOWN_ACTION, "not a resource protocol: " + protocolId);
        }
        authorize(peerId, action);
        return action;
    }

    /** Refusals so far by reason name, a snapshot. */
    public Map<String, Long> getRefusalCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        refusals.forEach((reason, count) -> counts.put(reason.name(), count.get()));
        return counts;
    }

    /** Refusals so far for one reason. */
    public long refusalCount(Reason reason) {
        AtomicLong count = refusals.get(reason);
        return count == null ? 0 : count.get();
    }

    private static Reason decide(PeerRecord peer, Action action) {
        if (peer != null && peer.relation() == Relation.BLACKLIST) {
            return Reason.BLACKLISTED;
        }
        return switch (action) {
            case PB_CREATE, PB_UPDATE, PB_DELETE -> peer == null ? Reason.UNKNOWN_PEER
                    : peer.relation() == Relation.PARTNER ? null : Reason.NOT_PARTNER;
            case PB_CONSIDERS, PB_PLANNER -> peer == null ? Reason.UNKNOWN_PEER : null;
            default -> null;
        };
    }

    private Reason refuse(String peerId, String what, Reason reason) {
        refusals.get(reason).incrementAndGet();
        refusalLog.warn(reason.name(), "Refused " + what + " from peer " + peerId + ": " + reason);
        return reason;
    }
}
