package org.opencloud.discovery.node;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Header;
import org.opencloud.discovery.camel.Libp2pConstants;
import org.opencloud.discovery.camel.Libp2pProducerException;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.PropagationRequest;
import org.opencloud.discovery.propagation.codec.StreamEvent;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.security.Authorization;

import java.util.List;
import java.util.function.Supplier;

/**
 * The bean the propagation routes call ({@code ref: propagation}): each method is one step of a
 * route, so the YAML reads as the flow and this class holds no routing of its own.
 */
public final class PropagationRouting {
    /** The reason of an event that a partner did not get after the retries. */
    static final String UNDELIVERED = "UNDELIVERED";

    private final PropagationCodec codec;
    private final PeerDirectory directory;
    private final Authorization authorization;
    private final Supplier<String> localPeerId;
    private final NodeMetrics metrics;

    /**
     * @param localPeerId this node's peer id, known once the libp2p host has started
     */
    public PropagationRouting(PropagationCodec codec, PeerDirectory directory, Authorization authorization,
                              Supplier<String> localPeerId, NodeMetrics metrics) {
        this.codec = codec;
        this.directory = directory;
        this.authorization = authorization;
        this.localPeerId = localPeerId;
        this.metrics = metrics;
    }

    /** Refuses a body over the codec table's size limit (OVERSIZED) or not UTF-8 before anything parses it. */
    public void checkBody(byte[] body) {
        codec.tolerantJson().checkBody(body, "NATS message");
    }

    /** True for a message this node published itself (its own FromApp): loop avoidance. */
    public boolean isSelfOriginated(JsonNode body) {
        return codec.isSelfOriginated(codec.decodeNatsEnvelope(body), codec.ownAppName());
    }

    /** The PROPALGATION_EVENT as a request; bad input throws a {@link PropagationException} with its reason. */
    public PropagationRequest decode(JsonNode body) {
        return codec.decodeNatsEvent(body);
    }

    /** True when the resource names another creator: not this node's to propagate. */
    public boolean isForeignResource(PropagationRequest request) {
        return codec.isForeignResource(request.payload(), localPeerId.get());
    }

    /** The bytes sent on each stream: one JSON event and a newline, from this node. */
    public byte[] streamEvent(PropagationRequest request) {
        return codec.encodeStreamEvent(codec.streamEventFor(request, localPeerId.get()));
    }

    /** Peer ids of the current partners, read from the directory at each message. */
    public List<String> partners() {
        return directory.partners().stream().map(PeerRecord::peerId).toList();
    }

    /** The otherwise branch: an action that exists but that no route carries. */
    public void unrouted(PropagationRequest request) {
        throw new PropagationException(Reason.UNKNOWN_ACTION, "no route carries " + request.action());
    }

    /**
     * An inbound event from {@code peer} on {@code protocol}: authorized, decoded and turned into
     * the NATS message this node publishes. Refusals and bad input throw with their reason.
     */
    public byte[] accept(@Header(Libp2pConstants.PROTOCOL) String protocol,
                         @Header(Libp2pConstants.PEER_ID) String peer, byte[] body) {
        authorization.authorizeProtocol(peer, protocol);
        StreamEvent event = codec.decodeInboundEvent(protocol, body);
        byte[] message = codec.natsMessageFor(event);
        metrics.received(protocol, peer);
        return message;
    }

    /** Counts a rejected message and returns its reason, for the error endpoint's header. */
    public String rejected(Throwable error, @Header(Libp2pConstants.PEER_ID) String peer) {
        String reason = reasonOf(error);
        metrics.rejected(reason, peer);
        return reason;
    }

    private static String reasonOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof PropagationException p) {
                return p.getReason().name();
            }
            if (t instanceof com.fasterxml.jackson.core.JacksonException) {
                return Reason.MALFORMED_JSON.name();
            }
            if (t instanceof Libp2pProducerException) {
                return UNDELIVERED;
            }
        }
        return error == null ? "UNKNOWN" : error.getClass().getSimpleName();
    }
}
