package org.opencloud.discovery.node;

import org.apache.camel.Header;
import org.opencloud.discovery.camel.Libp2pConstants;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PublicKey;
import org.opencloud.discovery.propagation.RateLimitedLog;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.catalogue.ResourceCatalogue;
import org.opencloud.discovery.propagation.catalogue.ResourceQuery;
import org.opencloud.discovery.propagation.codec.Action;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.StreamEvent;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.search.SearchRateLimit;
import org.opencloud.discovery.propagation.search.SignedSearchEvents;
import org.opencloud.discovery.propagation.security.Authorization;
import org.opencloud.discovery.propagation.security.PeerRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * PB_SEARCH of resources, the searched side ({@code ref: searchAnswers}): a peer's search event, admitted at most
 * {@code oc.search.max-per-peer-per-second} times a second per peer and only when signed by that peer's key (the key
 * inlined in an Ed25519 peer id, else the directory's, else the peer's record on the DHT), answered from the resource
 * catalogue: the results as one stream body, one result per line, for the requester. A refused search is counted by
 * reason, logged at most once a second per reason, and never answered. A search event heard on the search topic is
 * judged the same way, its gossipsub author standing for the stream's peer, after two bounds a stream gets elsewhere:
 * its size ({@code oc.search.max-event-bytes}) and all authors' topic searches a second
 * ({@code oc.search.topic.max-per-second}), so that a crowd of fresh peer ids costs no more than that.
 */
public final class SearchAnswers {
    /** The one key of the topic's rate limit: all authors together. */
    static final String TOPIC = "search topic";
    private static final Logger LOG = LoggerFactory.getLogger(SearchAnswers.class);

    private final PropagationCodec codec;
    private final Authorization authorization;
    private final PeerDirectory directory;
    private final NodeRecordPublisher network;
    private final ResourceCatalogue catalogue;
    private final SearchRateLimit rate;
    private final SearchRateLimit topicRate;
    private final SignedSearchEvents signatures;
    private final Supplier<String> self;
    private final NodeMetrics metrics;
    private final int maxResults;
    private final int maxResultBytes;
    private final int maxEventBytes;
    private final Duration keyLookupTimeout;
    private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofSeconds(1));

    /**
     * @param network        where the key of a peer with no inlined key the directory lacks is looked for, for at
     *                       most {@code keyLookupTimeout}
     * @param maxResults     the most results one search gets
     * @param maxResultBytes the largest result line sent; a larger resource is left out
     * @param topicRate      the topic searches answered a second, whoever their authors (one key, {@link #TOPIC})
     * @param maxEventBytes  the largest search event heard on the topic (streams are bounded by their endpoint)
     */
    SearchAnswers(PropagationCodec codec, Authorization authorization, PeerDirectory directory,
                  NodeRecordPublisher network, ResourceCatalogue catalogue, SearchRateLimit rate,
                  SearchRateLimit topicRate, Supplier<String> self, NodeMetrics metrics, int maxResults,
                  int maxResultBytes, int maxEventBytes, Duration keyLookupTimeout) {
        this.codec = codec;
        this.authorization = authorization;
        this.directory = directory;
        this.network = network;
        this.catalogue = catalogue;
        this.rate = rate;
        this.topicRate = topicRate;
        this.signatures = new SignedSearchEvents(codec);
        this.self = self;
        this.metrics = metrics;
        this.maxResults = maxResults;
        this.maxResultBytes = maxResultBytes;
        this.maxEventBytes = maxEventBytes;
        this.keyLookupTimeout = keyLookupTimeout;
    }

    /** The results for {@code peer}'s search event, one stream event per line, or null when none matches. */
    public byte[] answer(@Header(Libp2pConstants.PEER_ID) String peer, byte[] body) {
        authorization.authorize(peer, Action.PB_SEARCH);
        StreamEvent search;
        try {
            if (!rate.admit(peer)) {
                throw new PeerRefusedException(Reason.TOO_MANY_SEARCHES, "more searches from " + peer
                        + " this second than this node answers (oc.search.max-per-peer-per-second)");
            }
            search = codec.decodeInboundEvent(Action.PB_SEARCH, body);
            if (!peer.equals(search.from())) {
                throw SignedSearchEvents.forged("a search event of " + search.from() + " sent by " + peer);
            }
            signatures.verify(search, senderKey(peer));
        } catch (PeerRefusedException e) {
            refused(e);
            throw e;
        }
        String text = codec.tolerantJson().text(codec.tolerantJson().parse(search.payload(), "search"), "search.text");
        ByteArrayOutputStream results = new ByteArrayOutputStream();
        for (String resource : catalogue.search(new ResourceQuery(search.dataType(), text, peer, self.get(), maxResults))) {
            byte[] line = codec.encodeStreamEvent(new StreamEvent(Action.PB_SEARCH_RESPONSE, self.get(), search.user(),
                    search.dataType(), resource, null, search.id()));
            if (line.length - 1 > maxResultBytes) {
                LOG.debug("a {} result of {} bytes left out of the answer to {} (oc.search.max-result-bytes)",
                        search.dataType(), line.length, peer);
            } else {
                results.writeBytes(line);
            }
        }
        return results.size() == 0 ? null : results.toByteArray();
    }

    /**
     * The results for a search event heard on the search topic from its gossipsub {@code author} (whose signature
     * of the message gossipsub checked), or null when none matches: refused, counted and never answered when it is
     * larger than {@code oc.search.max-event-bytes} or over the topic's searches this second, else judged as
     * {@link #answer} judges a stream's (its {@code from} must be the author, its own signature the author's).
     */
    public byte[] answerTopic(@Header(Libp2pConstants.PEER_ID) String author, byte[] body) {
        try {
            if (body.length > maxEventBytes) {
                throw new PeerRefusedException(Reason.OVERSIZED, "a search event of " + body.length + " bytes from "
                        + author + " on the search topic (oc.search.max-event-bytes)");
            }
            if (!topicRate.admit(TOPIC)) {
                throw new PeerRefusedException(Reason.TOO_MANY_SEARCHES, "more searches on the search topic this"
                        + " second than this node answers (oc.search.topic.max-per-second)");
            }
        } catch (PeerRefusedException e) {
            refused(e);
            throw e;
        }
        return answer(author, body);
    }

    /**
     * Where to send the results to {@code requester}: none when the directory knows it (the producer's resolver reads
     * it there), else the addresses of its record on the DHT (empty when none is found: the answer is then unreached).
     */
    public List<String> requesterAddresses(@Header(Libp2pConstants.PEER_ID) String requester) {
        if (directory.findByPeerId(requester) != null) {
            return List.of();
        }
        return network.find(requester, keyLookupTimeout).map(PeerRecord::addresses).orElse(List.of());
    }

    private void refused(PeerRefusedException e) {
        metrics.searchRefused(e.getReason().name());
        log.warn("search-" + e.getReason(), "search refused (" + e.getReason() + "): " + e.getMessage());
    }

    /** The key {@code peer} signs with: inlined in its id (Ed25519), else from the directory, else the DHT. */
    private PublicKey senderKey(String peer) {
        try {
            PublicKey inlined = PeerId.fromString(peer).inlinedPublicKey();
            if (inlined != null) {
                return inlined;
            }
            PeerRecord known = directory.findByPeerId(peer);
            Optional<String> key = known != null && known.publicKey() != null ? Optional.of(known.publicKey())
                    : network.find(peer, keyLookupTimeout).map(PeerRecord::publicKey);
            return PublicKey.fromProtobuf(Base64.getDecoder().decode(key.orElseThrow(() ->
                    SignedSearchEvents.forged("no key known for " + peer + " to check its search event with"))));
        } catch (Libp2pException | IllegalArgumentException e) {
            throw SignedSearchEvents.forged("no usable key for " + peer + ": " + e.getMessage());
        }
    }
}
