package org.opencloud.discovery.p2p.security.noise;

import org.opencloud.discovery.p2p.core.Libp2pException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * A Noise CipherState for ChaChaPoly: a 32-byte key and a 64-bit nonce counter that advances by
 * one per message. The 96-bit AEAD nonce is 4 zero bytes followed by the counter in little-endian
 * order (Noise spec §12.3). Not thread-safe: one instance per direction of one connection.
 */
final class CipherState {
    static final int TAG_LENGTH = 16;
    /**
     * Frames are encrypted in pieces of this size: the JDK's Poly1305 runs its SIMD intrinsic only once its
     * per-call entry point is compiled by C2, which takes thousands of calls; at one call per 64 KiB frame
     * the first hundred megabytes went at a quarter of the cipher's speed.
     */
    private static final int UPDATE_PIECE = 4096;
    /** 2^64−1 is reserved by the Noise spec; libp2p has no rekey, so the connection must end first. */
    private static final long RESERVED_NONCE = -1L;

    private final SecretKeySpec key;
    private final Cipher encryptCipher;
    private final Cipher decryptCipher;
    private long nonce;

    CipherState(byte[] key) {
        this(key, 0);
    }

    /** Starts at an explicit nonce, as the Noise spec's SetNonce(); used by known-answer tests. */
    CipherState(byte[] key, long nonce) {
        if (key.length != 32) {
            throw new IllegalArgumentException("ChaChaPoly key must be 32 bytes");
        }
        this.key = new SecretKeySpec(key, "ChaCha20");
        this.nonce = nonce;
        try {
            this.encryptCipher = Cipher.getInstance("ChaCha20-Poly1305");
            this.decryptCipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks ChaCha20-Poly1305", e);
        }
    }

    /** The 12-byte AEAD nonce for counter {@code n}: {@code 00 00 00 00 ‖ le64(n)}. */
    static byte[] nonceBytes(long n) {
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (n >>> (8 * i));
        }
        return iv;
    }

    /** Handshake use: encrypts {@code plaintext} with associated data {@code ad}. */
    byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
        try {
            init(encryptCipher, Cipher.ENCRYPT_MODE);
            encryptCipher.updateAAD(ad);
            return encryptCipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new Libp2pException("noise encryption failed: " + e.getMessage(), e);
        }
    }

    /** Handshake use: decrypts and authenticates {@code ciphertext} with associated data {@code ad}. */
    byte[] decryptWithAd(byte[] ad, byte[] ciphertext) {
        try {
            init(decryptCipher, Cipher.DECRYPT_MODE);
            decryptCipher.updateAAD(ad);
            return decryptCipher.doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw new Libp2pException("noise decryption failed: authentication tag mismatch", e);
        } catch (GeneralSecurityException e) {
            throw new Libp2pException("noise decryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * Transport use (empty AD): encrypts {@code buffer[offset..offset+length)} in place and appends the
     * 16-byte tag. Heap arrays on both sides: the JDK's ChaCha20-Poly1305 copies direct
     * {@link java.nio.ByteBuffer}s into a fresh array on every call.
     */
    void encryptInPlace(byte[] buffer, int offset, int length) {
        try {
            init(encryptCipher, Cipher.ENCRYPT_MODE);
            int done = 0;
            for (; length - done > UPDATE_PIECE; done += UPDATE_PIECE) {
                encryptCipher.update(buffer, offset + done, UPDATE_PIECE, buffer, offset + done);
            }
            encryptCipher.doFinal(buffer, offset + done, length - done, buffer, offset + done);
        } catch (GeneralSecurityException e) {
            throw new Libp2pException("noise encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * Transport use (empty AD): authenticates and decrypts one frame, {@code ciphertext[0..length)} with
     * its tag, into {@code out} from {@code outOffset} ({@code length - TAG_LENGTH} bytes).
     */
    void decrypt(byte[] ciphertext, int length, byte[] out, int outOffset) {
        try {
            init(decryptCipher, Cipher.DECRYPT_MODE);
            decryptCipher.doFinal(ciphertext, 0, length, out, outOffset);
        } catch (AEADBadTagException e) {
            throw new Libp2pException("noise decryption failed: authentication tag mismatch", e);
        } catch (GeneralSecurityException e) {
            throw new Libp2pException("noise decryption failed: " + e.getMessage(), e);
        }
    }

    private void init(Cipher cipher, int mode) throws GeneralSecurityException {
        if (nonce == RESERVED_NONCE) {
            throw new Libp2pException("noise nonce exhausted: the connection must be closed");
        }
        cipher.init(mode, key, new IvParameterSpec(nonceBytes(nonce)));
        // The nonce advances even if the AEAD call then fails: a failed decrypt ends the connection anyway.
        nonce++;
    }
}
