package org.opencloud.discovery.propagation;

/**
 * Bad input or a refused peer. Routes catch it and send the message to the error endpoint,
 * using {@link #getReason()} as the dead-letter reason and the counter key.
 */
public class PropagationException extends RuntimeException {

    /** Why a message was rejected; stable names, used in logs, counters and error headers. */
    public enum Reason {
        /**
         * The body is not JSON, not a JSON object, not UTF-8, or holds a string with no UTF-8 form (an
         * unpaired surrogate escape), or a payload cannot be decoded.
         */
        MALFORMED_JSON,
        /** A field the message cannot do without is absent. */
        MISSING_FIELD,
        /** The action is neither a name nor a number of the codec table. */
        UNKNOWN_ACTION,
        /** The data type is neither a name nor a number of the codec table. */
        UNKNOWN_DATATYPE,
        /** The relation of a peer record is neither a name nor a number of the codec table. */
        UNKNOWN_RELATION,
        /** A peer record's id does not parse as a libp2p peer id (base58btc or CIDv1). */
        INVALID_PEER_ID,
        /** The message is larger than the configured limit. */
        OVERSIZED,
        /** A signed node record that is malformed, badly signed, another peer's, or expired. */
        INVALID_RECORD,
        /** A PB_CONSIDERS names more peers than the configured limit. */
        TOO_MANY_TARGETS,
        /** Create/update/delete from a peer that is not a PARTNER. */
        NOT_PARTNER,
        /** Anything from a BLACKLIST peer. */
        BLACKLISTED,
        /** A peer absent from the directory asked for something only known peers may do. */
        UNKNOWN_PEER,
        /** A search event whose signature is missing, bad, or not its sender's. */
        FORGED,
        /** A peer that sent more searches a second than this node answers. */
        TOO_MANY_SEARCHES,
        /** A search result for no search of this node's to that peer, or not of its data type, or not the peer's own. */
        UNSOLICITED,
        /** More results from one peer for one search than this node takes. */
        TOO_MANY_RESULTS
    }

    private final Reason reason;

    public PropagationException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public PropagationException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason getReason() {
        return reason;
    }
}
