package org.opencloud.discovery.node;

import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.opencloud.discovery.camel.Libp2pConstants;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.RateLimitedLog;
import org.opencloud.discovery.propagation.codec.Action;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.PropagationRequest;
import org.opencloud.discovery.propagation.codec.StreamEvent;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.directory.Relation;
import org.opencloud.discovery.propagation.search.PendingSearches;
import org.opencloud.discovery.propagation.search.PendingSearches.Search;
import org.opencloud.discovery.propagation.search.SignedSearchEvents;
import org.opencloud.discovery.propagation.security.PeerRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * PB_SEARCH of resources, the requesting side ({@code ref: searchRequests}, routes/resource-search.camel.yaml):
 * the scope of a search and the peers it goes to, the signed search event, and each result a searched peer sends
 * back, checked against the searches this node has open and published for the local apps on SEARCH_EVENT.
 */
public final class SearchRequests {
    /** The scopes of a search: on the search topic, to the peers of the directory, to partners. */
    static final List<String> SCOPES = List.of("all", "known", "partner");
    private static final Logger LOG = LoggerFactory.getLogger(SearchRequests.class);

    private final PropagationCodec codec;
    private final PeerDirectory directory;
    private final SignedSearchEvents signatures;
    private final PendingSearches pending;
    private final Supplier<Host> host;
    private final NodeMetrics metrics;
    private final int maxTargets;
    private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofSeconds(1));

    SearchRequests(PropagationCodec codec, PeerDirectory directory, PendingSearches pending, Supplier<Host> host,
                   NodeMetrics metrics, int maxTargets) {
        this.codec = codec;
        this.directory = directory;
        this.signatures = new SignedSearchEvents(codec);
        this.pending = pending;
        this.host = host;
        this.metrics = metrics;
        this.maxTargets = maxTargets;
    }

    /** The search's scope, all, known or partner; anything else is MISSING_FIELD. */
    public String scope(PropagationRequest request) {
        String scope = request.searchType() == null ? "" : request.searchType().trim().toLowerCase(Locale.ROOT);
        if (!SCOPES.contains(scope)) {
            throw new PropagationException(Reason.MISSING_FIELD, "a PB_SEARCH of " + request.dataType()
                    + " needs a type, one of " + SCOPES + ", not \"" + request.searchType() + "\"");
        }
        return scope;
    }

    /**
     * The peers a search goes to on streams: known, every peer of the directory but this node and blacklisted ones;
     * partner, the partners; all, none (it goes on the topic). At most {@code oc.search.max-targets}.
     */
    public List<String> targets(@ExchangeProperty("OcSearchScope") String scope) {
        List<PeerRecord> peers = switch (scope) {
            case "known" -> directory.all().stream()
                    .filter(p -> p.relation() == Relation.NONE || p.relation() == Relation.PARTNER).toList();
            case "partner" -> directory.partners();
            default -> List.of();
        };
        if (peers.size() > maxTargets) {
            LOG.debug("search to {} of {} {} peers (oc.search.max-targets)", maxTargets, peers.size(), scope);
        }
        return peers.stream().limit(maxTargets).map(PeerRecord::peerId).toList();
    }

    /** The signed search event each target gets; from now on its results are taken from them (from any, for all). */
    public byte[] open(PropagationRequest request, @ExchangeProperty("OcSearchScope") String scope,
                       @ExchangeProperty("OcSearchTargets") List<String> targets) {
        String id = UUID.randomUUID().toString();
        pending.open(id, request.dataType(), request.user(), "all".equals(scope) ? null : targets);
        Host self = host.get();
        StreamEvent event = new StreamEvent(Action.PB_SEARCH, self.peerId().toString(), request.user(),
                request.dataType(), request.payload(), null, id);
        return codec.encodeStreamEvent(signatures.sign(event, self::seal));
    }

    /** The stream gate's question for the result protocol: null when {@code peer} may send results now. */
    String resultStreamRefusal(String peer) {
        if (pending.expects(peer)) {
            return null;
        }
        cut(new PeerRefusedException(Reason.UNSOLICITED, "a result stream from " + peer + ", asked nothing"));
        return Reason.UNSOLICITED.name();
    }

    /**
     * One result from {@code peer}: for a search of this node's to it, of that search's data type, created by that
     * peer, and within the results it may send; as the SEARCH_EVENT for the local apps (the search's data type and
     * user, the resource as payload). Anything else cuts the stream (refused, counted, not published).
     */
    public byte[] result(@Header(Libp2pConstants.PEER_ID) String peer, byte[] body) {
        StreamEvent event = codec.decodeInboundEvent(Action.PB_SEARCH_RESPONSE, body);
        try {
            Search search = pending.result(event.id(), peer);
            if (!search.dataType().equals(event.dataType()) || codec.isForeignResource(event.payload(), peer)) {
                throw new PeerRefusedException(Reason.UNSOLICITED, "a " + event.dataType() + " result from " + peer
                        + " that is not its own " + search.dataType() + " (search " + search.id() + ")");
            }
            return codec.encodeNatsMessage(search.dataType(), search.user(), event.payload());
        } catch (PeerRefusedException e) {
            cut(e);
            throw e;
        }
    }

    /** A result stream cut by this node: counted by reason, logged at most once a second per reason. */
    void cut(PropagationException e) {
        metrics.searchResultsCut(e.getReason().name());
        log.warn("results-" + e.getReason(), "search results cut: " + e.getMessage());
    }

    /**
     * A peer that a search event, or this node's answer to one, did not reach (down, or it refused): counted; the
     * search goes on without it.
     */
    public void unreached(@Header(Libp2pConstants.PEER_ID) String peer) {
        metrics.searchUnreached();
        LOG.debug("a search event or answer did not reach {}", peer);
    }
}
