package org.opencloud.discovery.p2p.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.core.PublicKey;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.record.pb.RecordProto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A payload signed by its author (libp2p RFC 0002). The signature covers the domain, the payload type and the
 * payload, each length-prefixed by an unsigned varint, so a signature made for one use (one domain) is never
 * accepted for another. Immutable; {@link #open} is the only way to read received bytes.
 */
public final class SignedEnvelope {
    private final PublicKey signer;
    private final byte[] payloadType;
    private final byte[] payload;
    private final byte[] encoded;

    private SignedEnvelope(PublicKey signer, byte[] payloadType, byte[] payload, byte[] encoded) {
        this.signer = signer;
        this.payloadType = payloadType;
        this.payload = payload;
        this.encoded = encoded;
    }

    /** Signs {@code payload} of {@code payloadType} for {@code domain} with {@code key}. */
    public static SignedEnvelope seal(PrivateKey key, String domain, byte[] payloadType, byte[] payload) {
        byte[] signature = key.sign(signedBytes(domain, payloadType, payload));
        byte[] encoded = RecordProto.Envelope.newBuilder()
                .setPublicKey(ByteString.copyFrom(key.publicKey().toProtobuf()))
                .setPayloadType(ByteString.copyFrom(payloadType))
                .setPayload(ByteString.copyFrom(payload))
                .setSignature(ByteString.copyFrom(signature))
                .build().toByteArray();
        return new SignedEnvelope(key.publicKey(), payloadType.clone(), payload.clone(), encoded);
    }

    /**
     * Reads an envelope and checks it was signed for {@code domain} by the key it carries; anything else
     * (malformed protobuf, unknown key type, bad signature, other domain) is an {@link InvalidRecordException}.
     */
    public static SignedEnvelope open(byte[] encoded, String domain) {
        RecordProto.Envelope envelope;
        PublicKey signer;
        try {
            envelope = RecordProto.Envelope.parseFrom(encoded);
            signer = PublicKey.fromProtobuf(envelope.getPublicKey().toByteArray());
        } catch (InvalidProtocolBufferException | Libp2pException e) {
            throw new InvalidRecordException("malformed signed envelope: " + e.getMessage(), e);
        }
        byte[] payloadType = envelope.getPayloadType().toByteArray();
        byte[] payload = envelope.getPayload().toByteArray();
        boolean valid;
        try {
            valid = signer.verify(signedBytes(domain, payloadType, payload), envelope.getSignature().toByteArray());
        } catch (Libp2pException e) { // a key of a known type whose bytes are no usable key
            throw new InvalidRecordException("signed envelope of " + signer + ": " + e.getMessage(), e);
        }
        if (!valid) {
            throw new InvalidRecordException("signed envelope of " + signer + ": signature not valid for domain " + domain);
        }
        return new SignedEnvelope(signer, payloadType, payload, encoded.clone());
    }

    /** {@code uvarint(len) ‖ domain ‖ uvarint(len) ‖ type ‖ uvarint(len) ‖ payload}, what is signed. */
    private static byte[] signedBytes(String domain, byte[] payloadType, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] field : new byte[][] {domain.getBytes(StandardCharsets.UTF_8), payloadType, payload}) {
            out.writeBytes(Varint.encode(field.length));
            out.writeBytes(field);
        }
        return out.toByteArray();
    }

    public PublicKey signer() {
        return signer;
    }

    /** True when the payload is of {@code type}. */
    public boolean hasPayloadType(byte[] type) {
        return Arrays.equals(payloadType, type);
    }

    public byte[] payload() {
        return payload.clone();
    }

    /** The envelope's protobuf, as sent. */
    public byte[] toBytes() {
        return encoded.clone();
    }
}
