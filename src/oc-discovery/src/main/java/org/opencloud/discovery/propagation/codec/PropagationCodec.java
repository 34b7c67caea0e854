package org.opencloud.discovery.propagation.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.opencloud.discovery.propagation.codec.CodecTable.EnumKind.ACTION;
import static org.opencloud.discovery.propagation.codec.CodecTable.EnumKind.DATATYPE;

/**
 * Reads and writes NATS envelopes, propagation messages and stream events (spec 3.2-3.4).
 * Stateless apart from its configuration, so one instance serves every route concurrently.
 * Bad input throws {@link PropagationException} with MALFORMED_JSON, MISSING_FIELD,
 * UNKNOWN_ACTION, UNKNOWN_DATATYPE or OVERSIZED.
 */
public final class PropagationCodec {

    /** Actions whose message must name a data type: they reach a receiver's database or a search. */
    private static final Set<Action> NEED_DATATYPE =
            EnumSet.of(Action.PB_CREATE, Action.PB_UPDATE, Action.PB_DELETE, Action.PB_CONSIDERS, Action.PB_SEARCH);
    /** Actions whose message must carry a payload (spec 1): without one a partner would get a null resource. */
    private static final Set<Action> NEED_PAYLOAD = EnumSet.of(Action.PB_CREATE, Action.PB_UPDATE, Action.PB_DELETE,
            Action.PB_CONSIDERS, Action.PB_CLOSE_PLANNER, Action.PB_PLANNER, Action.PB_SEARCH);
    /** How deep PB_CONSIDERS payloads are searched for their peer list (it may be embedded). */
    private static final int PEER_LIST_DEPTH = 4;

    private final TolerantJson json;
    private final String ownAppName;

    /**
     * @param table the codec table
     * @param ownAppName the node's application name, written as FromApp on what it publishes
     */
    public PropagationCodec(CodecTable table, String ownAppName) {
        this.json = new TolerantJson(table);
        this.ownAppName = ownAppName;
    }

    public String ownAppName() {
        return ownAppName;
    }

    public TolerantJson tolerantJson() {
        return json;
    }

    /** The envelope of any NATS message (CREATE_RESOURCE, REMOVE_RESOURCE, PROPALGATION_EVENT ...). */
    public NatsEnvelope decodeNatsEnvelope(byte[] body) {
        return envelope(json.parseObject(body, "NATS message"));
    }

    /**
     * The envelope of a NATS message of {@code dataType} that another app published, else null. Its payload is
     * read only then: a subscriber that follows one data type on a busy subject (the peer directory on
     * CREATE_RESOURCE) passes over the others and the node's own at the cost of their parse.
     */
    public NatsEnvelope decodeNatsEnvelopeFromOthers(byte[] body, String dataType) {
        ObjectNode root = json.parseObject(body, "NATS message");
        if (!dataType.equals(json.enumName(root, "nats.dataType", DATATYPE, Reason.UNKNOWN_DATATYPE))
                || isSelfOriginated(root)) {
            return null;
        }
        return envelope(root);
    }

    /**
     * A PROPALGATION_EVENT body as a request. The body is an envelope whose payload is the
     * propagation message; a body that is itself {Action, DataType, Payload} is accepted too.
     */
    public PropagationRequest decodeNatsEvent(byte[] body) {
        return request(json.parseObject(body, "NATS message"));
    }

    /** As {@link #decodeNatsEvent(byte[])}, for a body {@link TolerantJson#parseObject} parsed and checked. */
    public PropagationRequest decodeParsedNatsEvent(ObjectNode checked) {
        return request(checked);
    }

    /** Each part is parsed once and read as it is: a 1 KiB resource was parsed and written again at every step. */
    private PropagationRequest request(ObjectNode root) {
        JsonNode envelopePayload = json.payloadNode(root, "nats.payload");
        NatsEnvelope envelope = envelope(root, null); // the message below carries the payload, not written twice
        ObjectNode messageNode;
        if (json.field(root, "propagation.action") != null) {
            messageNode = root;
        } else if (envelopePayload != null) {
            messageNode = json.asObject(envelopePayload, "propagation message");
        } else {
            throw new PropagationException(Reason.MISSING_FIELD, "NATS message has no Payload");
        }
        Action action = action(messageNode, "propagation.action");
        String dataType = json.enumName(messageNode, "propagation.dataType", DATATYPE, Reason.UNKNOWN_DATATYPE);
        if (dataType == null) {
            dataType = envelope.dataType();
        }
        if (dataType == null && NEED_DATATYPE.contains(action)) {
            throw new PropagationException(Reason.MISSING_FIELD, action + " message has no DataType");
        }
        JsonNode payload = json.payloadNode(messageNode, "propagation.payload");
        if (payload == null && NEED_PAYLOAD.contains(action)) {
            throw new PropagationException(Reason.MISSING_FIELD, action + " message has no Payload");
        }
        PropagationMessage message = new PropagationMessage(action, dataType, payload == null ? null : payload.toString());
        List<String> targets = switch (action) {
            case PB_CONSIDERS -> considersTargets(payload);
            case PB_CLOSE_PLANNER -> List.of(required(payload, "closePlanner.peerId", action));
            case PB_PLANNER -> List.of(required(payload, "planner.peerId", action));
            default -> List.of();
        };
        boolean search = action == Action.PB_SEARCH;
        return new PropagationRequest(envelope, message, payload, targets,
                search ? json.text(payload, "search.type") : null,
                search ? json.text(payload, "search.text") : null);
    }

    /** True when a parsed NATS message carries this node's app name (FromApp, read alone): it published it itself. */
    public boolean isSelfOriginated(ObjectNode parsed) {
        String fromApp = json.text(parsed, "nats.fromApp");
        return fromApp != null && fromApp.equals(ownAppName);
    }

    /**
     * True when a resource names a creator other than the local peer (spec 1.1): such a
     * resource is not this node's to propagate. A resource without creator_id is its own.
     */
    public boolean isForeignResource(String resourceJson, String localPeerId) {
        return resourceJson != null && isForeignResource(json.parse(resourceJson, "resource"), localPeerId);
    }

    /** As {@link #isForeignResource(String, String)}, for a parsed resource (null: none). */
    public boolean isForeignResource(JsonNode resource, String localPeerId) {
        String creator = resource == null ? null : json.text(resource, "resource.creatorId");
        return creator != null && !creator.isEmpty() && !creator.equals(localPeerId);
    }

    /**
     * What a resource event is about, {@code <data type>:<id>}, for keeping one resource's events in order; null when
     * the resource has no id (its events are then ordered by nothing but their start).
     */
    public String resourceKey(String dataType, JsonNode resource) {
        String id = resource == null ? null : json.text(resource, "resource.id");
        return id == null || id.isEmpty() ? null : dataType + ":" + id;
    }

    /** A CREATE_RESOURCE / REMOVE_RESOURCE / SEARCH_EVENT body stamped with the node's app name. */
    public byte[] encodeNatsMessage(String dataType, String user, String payloadJson) {
        return json.write(envelopeNode(dataType, user, parsed(payloadJson), null));
    }

    /** A PROPALGATION_EVENT body {PB_CONSIDERS, DataType, Payload} for the receiver's own apps. */
    public byte[] encodeConsidersEvent(String dataType, String user, String payloadJson) {
        return encodePropagationEvent(Action.PB_CONSIDERS, dataType, user, parsed(payloadJson), null);
    }

    /** A PROPALGATION_EVENT body {action, DataType, Payload} for the receiver's own apps (considers, planner). */
    private byte[] encodePropagationEvent(Action action, String dataType, String user, JsonNode payload,
                                          String payloadText) {
        ObjectNode message = json.mapper().createObjectNode();
        json.putEnum(message, "propagation.action", ACTION, action.name());
        json.putEnum(message, "propagation.dataType", DATATYPE, dataType);
        json.putPayload(message, "propagation.payload", payload, payloadText);
        return json.write(envelopeNode(dataType, user, message, null));
    }

    /** The NATS body a receiver publishes for an accepted stream event (spec 1, last column). */
    public byte[] natsMessageFor(StreamEvent event) {
        return natsMessageFor(event, parsed(event.payload()));
    }

    /**
     * A stream event received on the protocol of {@code expected} (as {@link #decodeInboundEvent}) and the NATS
     * body to publish for it (as {@link #natsMessageFor}), its payload parsed once for both.
     */
    public AcceptedEvent acceptInboundEvent(Action expected, byte[] body) {
        ObjectNode node = json.parseObject(body, "stream event");
        JsonNode payload = json.payloadNode(node, "stream.payload");
        StreamEvent event = streamEvent(node, payload);
        requireType(expected, event);
        return new AcceptedEvent(event, natsMessageFor(event, payload));
    }

    private byte[] natsMessageFor(StreamEvent event, JsonNode payload) {
        return switch (event.type()) {
            case PB_CREATE, PB_UPDATE, PB_DELETE ->
                    json.write(envelopeNode(event.dataType(), event.user(), payload, event.payload()));
            case PB_CONSIDERS ->
                    encodePropagationEvent(Action.PB_CONSIDERS, event.dataType(), event.user(), payload, event.payload());
            case PB_PLANNER ->
                    encodePropagationEvent(Action.PB_PLANNER, event.dataType(), event.user(), payload, event.payload());
            default -> throw new PropagationException(Reason.UNKNOWN_ACTION,
                    event.type() + " is not carried on a resource stream");
        };
    }

    /** The stream event that carries a request to a peer, sent by {@code fromPeerId} with event id {@code id}; unsigned. */
    public StreamEvent streamEventFor(PropagationRequest request, String fromPeerId, String id) {
        return new StreamEvent(request.action(), fromPeerId, request.user(), request.dataType(), request.payload(), null,
                id);
    }

    /** As {@link #encodeStreamEvent}, the stream event that carries {@code request}, from its parsed payload. */
    public byte[] encodeStreamEventFor(PropagationRequest request, String fromPeerId, String id) {
        // the request's payload text is its parsed payload as written: not written a second time
        return encodeStreamEvent(streamEventFor(request, fromPeerId, id), request.parsedPayload(), request.payload());
    }

    /** One JSON value followed by a newline, as Go's json.Encoder writes it. */
    public byte[] encodeStreamEvent(StreamEvent event) {
        return encodeStreamEvent(event, event.payload() == null ? null : json.parse(event.payload(), "stream.payload"),
                null);
    }

    private byte[] encodeStreamEvent(StreamEvent event, JsonNode payload, String payloadText) {
        ObjectNode node = json.mapper().createObjectNode();
        json.putEnum(node, "stream.type", ACTION, event.type().name());
        json.putText(node, "stream.from", event.from());
        json.putText(node, "stream.user", event.user());
        json.putEnum(node, "stream.dataType", DATATYPE, event.dataType());
        json.putPayload(node, "stream.payload", payload, payloadText);
        json.putText(node, "stream.signature", event.signature());
        json.putText(node, "stream.id", event.id());
        byte[] value = json.write(node);
        byte[] line = Arrays.copyOf(value, value.length + 1);
        line[value.length] = '\n';
        return line;
    }

    /** One stream event, with or without its trailing newline; a second value is malformed. */
    public StreamEvent decodeStreamEvent(byte[] body) {
        ObjectNode node = json.parseObject(body, "stream event");
        return streamEvent(node, json.payloadNode(node, "stream.payload"));
    }

    private StreamEvent streamEvent(ObjectNode node, JsonNode payload) {
        Action type = action(node, "stream.type");
        String dataType = json.enumName(node, "stream.dataType", DATATYPE, Reason.UNKNOWN_DATATYPE);
        if (dataType == null) {
            throw new PropagationException(Reason.MISSING_FIELD, "stream event has no datatype");
        }
        if (payload == null) {
            throw new PropagationException(Reason.MISSING_FIELD, "stream event has no payload");
        }
        return new StreamEvent(type, json.text(node, "stream.from"), json.text(node, "stream.user"),
                dataType, payload.toString(), json.text(node, "stream.signature"), json.text(node, "stream.id"));
    }

    /**
     * A stream event received on the protocol of {@code expected}: the event's type must be that action, so a peer
     * admitted for one protocol cannot smuggle another action through it.
     */
    public StreamEvent decodeInboundEvent(Action expected, byte[] body) {
        StreamEvent event = decodeStreamEvent(body);
        requireType(expected, event);
        return event;
    }

    private static void requireType(Action expected, StreamEvent event) {
        if (event.type() != expected) {
            throw new PropagationException(Reason.UNKNOWN_ACTION, "event type " + event.type() + " on the protocol of "
                    + expected);
        }
    }

    private NatsEnvelope envelope(ObjectNode root) {
        JsonNode payload = json.payloadNode(root, "nats.payload");
        return envelope(root, payload == null ? null : payload.toString());
    }

    private NatsEnvelope envelope(ObjectNode root, String payload) {
        String method = json.text(root, "nats.method");
        Integer methodCode;
        try {
            methodCode = method == null ? null : Integer.valueOf(method.trim());
        } catch (NumberFormatException e) {
            throw new PropagationException(Reason.MALFORMED_JSON, "Method is not an int: " + method, e);
        }
        return new NatsEnvelope(json.text(root, "nats.fromApp"),
                json.enumName(root, "nats.dataType", DATATYPE, Reason.UNKNOWN_DATATYPE),
                json.text(root, "nats.user"), methodCode, payload);
    }

    private JsonNode parsed(String payloadJson) {
        return payloadJson == null ? null : json.parse(payloadJson, "Payload");
    }

    /** @param payloadText {@code payload} as written from its tree, or null (see {@link TolerantJson#putPayload}) */
    private ObjectNode envelopeNode(String dataType, String user, JsonNode payload, String payloadText) {
        ObjectNode node = json.mapper().createObjectNode();
        json.putText(node, "nats.fromApp", ownAppName);
        json.putEnum(node, "nats.dataType", DATATYPE, dataType);
        json.putText(node, "nats.user", user);
        json.putPayload(node, "nats.payload", payload, payloadText);
        return node;
    }

    private Action action(JsonNode node, String field) {
        String name = json.enumName(node, field, ACTION, Reason.UNKNOWN_ACTION);
        if (name == null) {
            throw new PropagationException(Reason.UNKNOWN_ACTION, "message has no action");
        }
        return Action.valueOf(name);
    }

    private String required(JsonNode payload, String field, Action action) {
        String value = json.text(payload, field);
        if (value == null || value.isBlank()) {
            throw new PropagationException(Reason.MISSING_FIELD, action + " payload has no " + field);
        }
        return value;
    }

    private List<String> considersTargets(JsonNode payload) {
        JsonNode list = findNested(payload, PEER_LIST_DEPTH);
        List<String> ids = new ArrayList<>();
        if (list != null && list.isArray()) {
            list.forEach(id -> {
                if (id.isTextual() && !id.asText().isBlank()) {
                    ids.add(id.asText());
                }
            });
        } else if (list != null && list.isTextual() && !list.asText().isBlank()) {
            ids.add(list.asText());
        }
        if (ids.isEmpty()) {
            throw new PropagationException(Reason.MISSING_FIELD, "PB_CONSIDERS payload names no PeerIDs");
        }
        return ids;
    }

    private JsonNode findNested(JsonNode node, int depth) {
        if (node == null || depth < 0) {
            return null;
        }
        JsonNode direct = json.field(node, "considers.peerIds");
        if (direct != null) {
            return direct;
        }
        for (JsonNode child : node) {
            JsonNode found = findNested(child, depth - 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
