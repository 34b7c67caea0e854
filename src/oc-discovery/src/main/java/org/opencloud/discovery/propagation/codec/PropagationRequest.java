package org.opencloud.discovery.propagation.codec;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A decoded PROPALGATION_EVENT, ready for routing on its action.
 *
 * @param envelope the NATS envelope it came in (fromApp for loop avoidance), its payload left out (null): that is
 *                 the message
 * @param message the propagation message {Action, DataType, Payload}
 * @param parsedPayload the message's payload as parsed (the resource, the search...), or null: read by the steps
 *                      that need a field of it, so that none parses it again
 * @param targetPeerIds PB_CONSIDERS: the payload's PeerIDs; PB_CLOSE_PLANNER: its peer_id; else empty
 * @param searchType PB_SEARCH: all | known | partner, or null
 * @param searchText PB_SEARCH: the search string, or null
 */
public record PropagationRequest(NatsEnvelope envelope, PropagationMessage message, JsonNode parsedPayload,
                                 List<String> targetPeerIds, String searchType, String searchText) {

    public PropagationRequest {
        targetPeerIds = List.copyOf(targetPeerIds);
    }

    public String fromApp() {
        return envelope.fromApp();
    }

    public String user() {
        return envelope.user();
    }

    public Action action() {
        return message.action();
    }

    public String dataType() {
        return message.dataType();
    }

    public String payload() {
        return message.payload();
    }
}
