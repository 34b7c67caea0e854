package org.opencloud.discovery.p2p.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.opencloud.discovery.p2p.core.pb.KeysProto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * A libp2p public key: its type and the type-specific bytes of the libp2p {@code PublicKey}
 * protobuf. Ed25519 keys are what this stack uses; remote Secp256k1, ECDSA and RSA keys are
 * verified as go-libp2p does (SHA-256 then the algorithm), so such peers can authenticate.
 */
public final class PublicKey {
    private final KeysProto.KeyType type;
    private final byte[] data;
    private final byte[] encoded;

    private PublicKey(KeysProto.KeyType type, byte[] data) {
        this.type = type;
        this.data = data;
        this.encoded = KeysProto.PublicKey.newBuilder()
                .setType(type).setData(ByteString.copyFrom(data)).build().toByteArray();
    }

    /** An Ed25519 public key from its 32 raw bytes. */
    public static PublicKey ed25519(byte[] raw) {
        if (raw.length != Ed25519.PUBLIC_KEY_SIZE) {
            throw new Libp2pException("Ed25519 public key must be 32 bytes, got " + raw.length);
        }
        return new PublicKey(KeysProto.KeyType.Ed25519, raw.clone());
    }

    /** Decodes the libp2p {@code PublicKey} protobuf, refusing what cannot be checked. */
    public static PublicKey fromProtobuf(byte[] bytes) {
        KeysProto.PublicKey pb;
        try {
            pb = KeysProto.PublicKey.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new Libp2pException("malformed public key protobuf: " + e.getMessage(), e);
        }
        byte[] data = pb.getData().toByteArray();
        return switch (pb.getType()) {
            case Ed25519 -> ed25519(data);
            case Secp256k1, ECDSA, RSA -> new PublicKey(pb.getType(), data);
        };
    }

    public KeysProto.KeyType type() {
        return type;
    }

    /** The type-specific key bytes (raw 32 bytes for Ed25519, compressed point for Secp256k1, PKIX DER otherwise). */
    public byte[] raw() {
        return data.clone();
    }

    /** The deterministic libp2p protobuf encoding: field 1 then field 2, as peer ids and signatures need. */
    public byte[] toProtobuf() {
        return encoded.clone();
    }

    /**
     * Verifies {@code signature} over {@code message} the way go-libp2p and js-libp2p sign with this key type.
     * A signature that cannot even be parsed is invalid (false): it comes from the remote peer.
     *
     * @throws Libp2pException if this key itself cannot be used (a malformed Secp256k1 point or PKIX key)
     */
    public boolean verify(byte[] message, byte[] signature) {
        try {
            return switch (type) {
                case Ed25519 -> signature.length == Ed25519.SIGNATURE_SIZE
                        && Ed25519.verify(signature, 0, data, 0, message, 0, message.length);
                case Secp256k1 -> verifySecp256k1(message, signature);
                case ECDSA -> verifyJca("EC", "SHA256withECDSA", message, signature);
                case RSA -> verifyJca("RSA", "SHA256withRSA", message, signature);
            };
        } catch (GeneralSecurityException | IllegalArgumentException | IllegalStateException e) {
            throw new Libp2pException("cannot verify with " + type + " key: " + e.getMessage(), e);
        }
    }

    private boolean verifySecp256k1(byte[] message, byte[] signature) {
        X9ECParameters curve = SECNamedCurves.getByName("secp256k1");
        ECDomainParameters domain = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
        ECPublicKeyParameters key;
        try {
            key = new ECPublicKeyParameters(curve.getCurve().decodePoint(data), domain);
        } catch (RuntimeException e) { // BouncyCastle indexes an empty or short encoding before checking it
            throw new Libp2pException("malformed Secp256k1 public key of " + data.length + " bytes", e);
        }
        BigInteger r;
        BigInteger s;
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(signature);
            if (seq.size() != 2) {
                return false;
            }
            r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
            s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] hash = new byte[32];
        SHA256Digest digest = new SHA256Digest();
        digest.update(message, 0, message.length);
        digest.doFinal(hash, 0);
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, key);
        return verifier.verifySignature(hash, r, s);
    }

    private boolean verifyJca(String keyAlgorithm, String signatureAlgorithm, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(signatureAlgorithm);
        verifier.initVerify(KeyFactory.getInstance(keyAlgorithm).generatePublic(new X509EncodedKeySpec(data)));
        verifier.update(message);
        try {
            return verifier.verify(signature);
        } catch (SignatureException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return type + " public key of " + PeerId.fromPublicKey(this);
    }
}
