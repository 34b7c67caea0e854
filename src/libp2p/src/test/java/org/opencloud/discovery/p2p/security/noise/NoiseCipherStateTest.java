package org.opencloud.discovery.p2p.security.noise;

import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Libp2pException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opencloud.discovery.p2p.security.noise.NoiseTestSupport.hex;

class NoiseCipherStateTest {
    // RFC 8439 §2.8.2 key, AAD and plaintext; the nonce is ours, as Noise lays it out.
    private static final byte[] KEY = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    private static final byte[] AAD = hex("50515253c0c1c2c3c4c5c6c7");
    private static final byte[] PLAINTEXT = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip"
            + " for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);

    @Test
    void nonceIsFourZeroBytesThenLittleEndianCounter() {
        assertArrayEquals(hex("000000000102030405060708"), CipherState.nonceBytes(0x0807060504030201L));
        assertArrayEquals(hex("000000000000000000000000"), CipherState.nonceBytes(0));
        assertArrayEquals(hex("000000000100000000000000"), CipherState.nonceBytes(1));
    }

    @Test
    void matchesAnIndependentAeadWithTheNoiseNonceLayout() {
        CipherState cipher = new CipherState(KEY, 0x0807060504030201L);

        assertArrayEquals(bouncyCastleSeal(hex("000000000102030405060708"), AAD, PLAINTEXT), cipher.encryptWithAd(AAD, PLAINTEXT));
        // The counter advanced by one: the next message uses 0x0807060504030202.
        assertArrayEquals(bouncyCastleSeal(hex("000000000202030405060708"), AAD, PLAINTEXT), cipher.encryptWithAd(AAD, PLAINTEXT));
    }

    @Test
    void transportFramesUseEmptyAdAndRoundTrip() {
        CipherState sender = new CipherState(KEY);
        CipherState receiver = new CipherState(KEY);
        // in place after a 2-byte prefix, as the codec does
        byte[] frame = new byte[2 + PLAINTEXT.length + CipherState.TAG_LENGTH];
        System.arraycopy(PLAINTEXT, 0, frame, 2, PLAINTEXT.length);
        sender.encryptInPlace(frame, 2, PLAINTEXT.length);

        assertArrayEquals(bouncyCastleSeal(CipherState.nonceBytes(0), new byte[0], PLAINTEXT),
                Arrays.copyOfRange(frame, 2, frame.length));
        byte[] plaintext = new byte[1 + PLAINTEXT.length];
        receiver.decrypt(Arrays.copyOfRange(frame, 2, frame.length), frame.length - 2, plaintext, 1);
        assertArrayEquals(PLAINTEXT, Arrays.copyOfRange(plaintext, 1, plaintext.length));
    }

    @Test
    void tamperedCiphertextFailsToAuthenticate() {
        byte[] sealed = new CipherState(KEY).encryptWithAd(AAD, PLAINTEXT);
        sealed[3] ^= 1;

        assertThrows(Libp2pException.class, () -> new CipherState(KEY).decryptWithAd(AAD, sealed));
    }

    @Test
    void reservedNonceIsRefused() {
        assertThrows(Libp2pException.class, () -> new CipherState(KEY, -1L).encryptWithAd(AAD, PLAINTEXT));
    }

    private static byte[] bouncyCastleSeal(byte[] nonce, byte[] aad, byte[] plaintext) {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(true, new AEADParameters(new KeyParameter(KEY), 128, nonce, aad));
        byte[] out = new byte[aead.getOutputSize(plaintext.length)];
        int n = aead.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            aead.doFinal(out, n);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
