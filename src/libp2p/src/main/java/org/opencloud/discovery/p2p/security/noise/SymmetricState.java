package org.opencloud.discovery.p2p.security.noise;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The Noise SymmetricState (spec §5.2) for SHA-256: the chaining key {@code ck}, the handshake
 * hash {@code h} and, once a key has been mixed in, a {@link CipherState}.
 */
final class SymmetricState {
    static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    private static final int HASH_LENGTH = 32;

    private final MessageDigest sha256;
    private byte[] chainingKey;
    private byte[] handshakeHash;
    private CipherState cipher;

    SymmetricState() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
        // The name is exactly HASHLEN bytes, so the spec uses it as h without hashing.
        handshakeHash = PROTOCOL_NAME.getBytes(StandardCharsets.US_ASCII);
        chainingKey = handshakeHash.clone();
    }

    byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    void mixHash(byte[] data) {
        sha256.update(handshakeHash);
        sha256.update(data);
        handshakeHash = sha256.digest();
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] outputs = hkdf(chainingKey, inputKeyMaterial);
        chainingKey = outputs[0];
        cipher = new CipherState(outputs[1]);
    }

    /** Before the first {@link #mixKey} the data goes in clear, but is still hashed. */
    byte[] encryptAndHash(byte[] plaintext) {
        byte[] ciphertext = cipher == null ? plaintext : cipher.encryptWithAd(handshakeHash, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] ciphertext) {
        byte[] plaintext = cipher == null ? ciphertext : cipher.decryptWithAd(handshakeHash, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    /** The two transport CipherStates: first for initiator→responder, second for responder→initiator. */
    CipherState[] split() {
        byte[][] keys = hkdf(chainingKey, new byte[0]);
        return new CipherState[] {new CipherState(keys[0]), new CipherState(keys[1])};
    }

    /** HKDF as the Noise spec §4.3 defines it, with two outputs. */
    private static byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial) {
        byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
        byte[] output1 = hmac(tempKey, new byte[] {1});
        byte[] input2 = new byte[HASH_LENGTH + 1];
        System.arraycopy(output1, 0, input2, 0, HASH_LENGTH);
        input2[HASH_LENGTH] = 2;
        return new byte[][] {output1, hmac(tempKey, input2)};
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HmacSHA256", e);
        }
    }
}
