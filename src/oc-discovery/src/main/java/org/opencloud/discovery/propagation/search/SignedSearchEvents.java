package org.opencloud.discovery.propagation.search;

import org.opencloud.discovery.p2p.core.PublicKey;
import org.opencloud.discovery.p2p.record.InvalidRecordException;
import org.opencloud.discovery.p2p.record.SignedEnvelope;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.StreamEvent;
import org.opencloud.discovery.propagation.directory.SignedNodeRecords.Sealer;
import org.opencloud.discovery.propagation.security.PeerRefusedException;

import java.util.Base64;

/**
 * Search events signed by the requester: the event's {@code signature} field holds a signed envelope (RFC 0002) of
 * domain {@value #DOMAIN} whose payload is the event itself without its signature, as the codec writes it. A reader
 * trusts an event only when the envelope is signed by its sender's key and says the same as the event's fields (read
 * by the codec on both sides, so field-name variants and payload forms do not matter).
 */
public final class SignedSearchEvents {
    public static final String DOMAIN = "opencloud-search-event";
    /** The json multicodec (0x0200) as a varint: the envelope's payload is JSON. */
    private static final byte[] PAYLOAD_TYPE = {(byte) 0x80, 0x04};

    private final PropagationCodec codec;

    public SignedSearchEvents(PropagationCodec codec) {
        this.codec = codec;
    }

    /** {@code event} with its signature by {@code sealer} (the node's identity, whose key never leaves the host). */
    public StreamEvent sign(StreamEvent event, Sealer sealer) {
        StreamEvent unsigned = unsigned(event);
        byte[] envelope = sealer.seal(DOMAIN, PAYLOAD_TYPE, codec.encodeStreamEvent(unsigned)).toBytes();
        return new StreamEvent(unsigned.type(), unsigned.from(), unsigned.user(), unsigned.dataType(),
                unsigned.payload(), Base64.getEncoder().encodeToString(envelope), unsigned.id());
    }

    /**
     * Refuses (FORGED) an event that is unsigned, whose envelope is not signed by {@code senderKey} for
     * {@value #DOMAIN}, or whose signed content differs from its fields.
     */
    public void verify(StreamEvent event, PublicKey senderKey) {
        if (event.signature() == null || event.signature().isEmpty()) {
            throw forged("an unsigned search event from " + event.from());
        }
        SignedEnvelope envelope;
        try {
            envelope = SignedEnvelope.open(Base64.getDecoder().decode(event.signature()), DOMAIN);
        } catch (InvalidRecordException | IllegalArgumentException e) {
            throw forged("the search event of " + event.from() + " has a bad signature: " + e.getMessage());
        }
        if (!envelope.signer().equals(senderKey)) {
            throw forged("the search event of " + event.from() + " is signed by " + envelope.signer());
        }
        StreamEvent signed;
        try {
            signed = codec.decodeStreamEvent(envelope.payload());
        } catch (PropagationException e) {
            throw forged("the signed content of the search event of " + event.from() + " is unreadable: "
                    + e.getMessage());
        }
        if (!signed.equals(unsigned(event))) {
            throw forged("the search event of " + event.from() + " says other than what was signed");
        }
    }

    private static StreamEvent unsigned(StreamEvent event) {
        return new StreamEvent(event.type(), event.from(), event.user(), event.dataType(), event.payload(), null,
                event.id());
    }

    public static PeerRefusedException forged(String message) {
        return new PeerRefusedException(Reason.FORGED, message);
    }
}
