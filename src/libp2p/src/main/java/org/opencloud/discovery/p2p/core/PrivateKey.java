package org.opencloud.discovery.p2p.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.opencloud.discovery.p2p.core.pb.KeysProto;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An Ed25519 identity key, the one key type this stack signs with. Its libp2p protobuf form is
 * what go-libp2p's {@code MarshalPrivateKey} and js-libp2p's {@code privateKeyToProtobuf} write:
 * {@code 08 01 12 40 ‖ seed32 ‖ pub32}. {@link #toString()} never shows the secret.
 */
public final class PrivateKey {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] seed;
    private final PublicKey publicKey;
    private final byte[] rawPublic;

    private PrivateKey(byte[] seed) {
        this.seed = seed;
        this.rawPublic = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, rawPublic, 0);
        this.publicKey = PublicKey.ed25519(rawPublic);
    }

    public static PrivateKey generate() {
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        RANDOM.nextBytes(seed);
        return new PrivateKey(seed);
    }

    /** The key for a 32-byte Ed25519 seed (RFC 8032 private key). */
    public static PrivateKey fromSeed(byte[] seed) {
        if (seed.length != Ed25519.SECRET_KEY_SIZE) {
            throw new Libp2pException("Ed25519 seed must be 32 bytes, got " + seed.length);
        }
        return new PrivateKey(seed.clone());
    }

    /**
     * Decodes a libp2p {@code PrivateKey} protobuf. Ed25519 data is {@code seed ‖ pub} (64 bytes) or the
     * legacy {@code seed ‖ pub ‖ pub} (96 bytes); the stored public half must match the seed.
     */
    public static PrivateKey fromProtobuf(byte[] bytes) {
        KeysProto.PrivateKey pb;
        try {
            pb = KeysProto.PrivateKey.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new Libp2pException("malformed private key protobuf: " + e.getMessage(), e);
        }
        if (pb.getType() != KeysProto.KeyType.Ed25519) {
            throw new Libp2pException("unsupported private key type " + pb.getType() + ": only Ed25519 identities are supported");
        }
        byte[] data = pb.getData().toByteArray();
        if (data.length != 64 && data.length != 96) {
            throw new Libp2pException("Ed25519 private key data must be 64 or 96 bytes, got " + data.length);
        }
        if (data.length == 96 && !Arrays.equals(data, 32, 64, data, 64, 96)) {
            throw new Libp2pException("legacy 96-byte Ed25519 private key has two different public halves");
        }
        PrivateKey key = new PrivateKey(Arrays.copyOf(data, 32));
        if (!Arrays.equals(data, 32, 64, key.rawPublic, 0, 32)) {
            throw new Libp2pException("Ed25519 private key: stored public key does not match the seed");
        }
        return key;
    }

    public byte[] toProtobuf() {
        byte[] data = new byte[64];
        System.arraycopy(seed, 0, data, 0, 32);
        System.arraycopy(rawPublic, 0, data, 32, 32);
        return KeysProto.PrivateKey.newBuilder()
                .setType(KeysProto.KeyType.Ed25519).setData(ByteString.copyFrom(data)).build().toByteArray();
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public PeerId peerId() {
        return PeerId.fromPublicKey(publicKey);
    }

    /** RFC 8032 Ed25519 signature over {@code message}. */
    public byte[] sign(byte[] message) {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, rawPublic, 0, message, 0, message.length, sig, 0);
        return sig;
    }

    @Override
    public String toString() {
        return "Ed25519 private key of " + peerId();
    }
}
