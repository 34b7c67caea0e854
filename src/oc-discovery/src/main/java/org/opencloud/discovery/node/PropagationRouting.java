package org.opencloud.discovery.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.opencloud.discovery.camel.Libp2pConstants;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.AcceptedEvent;
import org.opencloud.discovery.propagation.codec.Action;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.PropagationRequest;
import org.opencloud.discovery.propagation.codec.StreamEvent;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.security.Authorization;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The bean the propagation routes call ({@code ref: propagation}): each method is one step of a
 * route, so the YAML reads as the flow and this class holds no routing of its own.
 */
public final class PropagationRouting {
    /** JetStream's header for dropping duplicates (camel-nats sends the exchange's headers as NATS headers). */
    static final String NATS_MSG_ID = "Nats-Msg-Id";
    /** Exchange property: the decoded event's action (PB_CREATE...). */
    public static final String ACTION = "OcAction";
    /** Exchange property: the decoded event's data type, when it has one. */
    public static final String DATA_TYPE = "OcDataType";

    private final PropagationCodec codec;
    private final PeerDirectory directory;
    private final Authorization authorization;
    private final Supplier<String> localPeerId;
    private final NodeMetrics metrics;
    private final int maxConsidersTargets;
    private final LongSupplier natsMaxPayload;

    /**
     * @param localPeerId this node's peer id, known once the libp2p host has started
     * @param maxConsidersTargets the most peers one PB_CONSIDERS may name
     * @param natsMaxPayload the largest message this node's NATS server takes
     */
    PropagationRouting(PropagationCodec codec, PeerDirectory directory, Authorization authorization,
                       Supplier<String> localPeerId, NodeMetrics metrics, int maxConsidersTargets,
                       LongSupplier natsMaxPayload) {
        this.codec = codec;
        this.directory = directory;
        this.authorization = authorization;
        this.localPeerId = localPeerId;
        this.metrics = metrics;
        this.maxConsidersTargets = maxConsidersTargets;
        this.natsMaxPayload = natsMaxPayload;
    }

    /**
     * A PROPALGATION_EVENT body as one JSON object: within the codec table's size limit, strict UTF-8, one value
     * and nothing after it; the steps below read it as parsed.
     */
    public ObjectNode parse(byte[] body) {
        return codec.tolerantJson().parseObject(body, "NATS message");
    }

    /** True for a message this node published itself (its own FromApp): loop avoidance. */
    public boolean isSelfOriginated(ObjectNode body) {
        return codec.isSelfOriginated(body);
    }

    /**
     * The PROPALGATION_EVENT as a request; bad input throws a {@link PropagationException} with its reason. Its
     * action and data type also go in exchange properties {@value #ACTION} and {@value #DATA_TYPE}, which the
     * routes' choice reads (${body.action} had Camel look up the body's bean info, hashing the whole request, at
     * every branch).
     */
    public PropagationRequest decode(ObjectNode body, @ExchangeProperties Map<String, Object> properties) {
        PropagationRequest request = codec.decodeParsedNatsEvent(body);
        properties.put(ACTION, request.action().name());
        if (request.dataType() != null) {
            properties.put(DATA_TYPE, request.dataType());
        }
        return request;
    }

    /** True when the resource names another creator: not this node's to propagate. */
    public boolean isForeignResource(PropagationRequest request) {
        return codec.isForeignResource(request.parsedPayload(), localPeerId.get());
    }

    /**
     * The bytes sent on each stream: one JSON event and a newline, from this node, with the intake's event id
     * (header OcEventId).
     */
    public byte[] streamEvent(PropagationRequest request, String id) {
        return codec.encodeStreamEventFor(request, localPeerId.get(), id);
    }

    /** What the event is about, for the outbox's order per resource (header OcResource); null without an id. */
    public String resourceKey(PropagationRequest request) {
        return codec.resourceKey(request.dataType(), request.parsedPayload());
    }

    /** Peer ids of the current partners, read from the directory at each message. */
    public List<String> partners() {
        return directory.partners().stream().map(PeerRecord::peerId).toList();
    }

    /** The peers a PB_CONSIDERS names; more than {@code oc.considers.max-targets} is a rejection (TOO_MANY_TARGETS). */
    public List<String> considersTargets(PropagationRequest request) {
        List<String> targets = request.targetPeerIds();
        if (targets.size() > maxConsidersTargets) {
            throw new PropagationException(Reason.TOO_MANY_TARGETS, "PB_CONSIDERS names " + targets.size()
                    + " peers, limit " + maxConsidersTargets + " (oc.considers.max-targets)");
        }
        return targets;
    }

    /** The otherwise branch: an action that exists but that no route carries. */
    public void unrouted(PropagationRequest request) {
        throw new PropagationException(Reason.UNKNOWN_ACTION, "no route carries " + request.action());
    }

    /**
     * An inbound event from {@code peer} on {@code protocol}: authorized, decoded and turned into
     * the NATS message this node publishes, with header {@value #NATS_MSG_ID} when the sender gave the event an
     * id. Refusals and bad input throw with their reason.
     */
    public byte[] accept(@Header(Libp2pConstants.PROTOCOL) String protocol,
                         @Header(Libp2pConstants.PEER_ID) String peer, byte[] body, @Headers Map<String, Object> headers) {
        Action action = authorization.authorizeProtocol(peer, protocol);
        AcceptedEvent accepted = codec.acceptInboundEvent(action, body);
        StreamEvent event = accepted.event();
        if (event.id() != null) { // a stream on this node's NATS keeps each event once within its duplicate window
            headers.put(NATS_MSG_ID, peer + ":" + event.id());
        }
        byte[] message = accepted.natsMessage();
        if (message.length > natsMaxPayload.getAsLong()) { // the payload's base64 form may be a third larger
            throw new PropagationException(Reason.OVERSIZED, "the NATS message for this event has " + message.length
                    + " bytes, more than the NATS server takes (" + natsMaxPayload.getAsLong() + ")");
        }
        metrics.received(protocol, peer);
        return message;
    }
}
