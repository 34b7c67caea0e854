package org.opencloud.discovery.p2p.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.core.SpecVectors.hex;

class PrivateKeyTest {
    private static final byte[] PRIVATE = hex(SpecVectors.ED25519_PRIVATE);

    @Test
    void specVectorDerivesItsPublicKeyAndPeerId() {
        PrivateKey key = PrivateKey.fromProtobuf(PRIVATE);
        assertArrayEquals(hex(SpecVectors.ED25519_PUBLIC), key.publicKey().toProtobuf());
        assertEquals(SpecVectors.ED25519_PEER_ID, key.peerId().toString());
        assertArrayEquals(PRIVATE, key.toProtobuf());
    }

    @Test
    void signsTheNoiseStaticKeyVector() {
        byte[] message = new byte[24 + 32];
        System.arraycopy("noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII), 0, message, 0, 24);
        assertEquals("96e76c387acf749074786157ff14a810e4d2f0de949691503813564f0168432bd51ecdcbec88090d8ba4c701d3666be"
                + "691b8f7d8c2e64924e78764a837568902", SpecVectors.hex(PrivateKey.fromProtobuf(PRIVATE).sign(message)));
    }

    @Test
    void generatedKeyRoundTrips() {
        PrivateKey key = PrivateKey.generate();
        PrivateKey back = PrivateKey.fromProtobuf(key.toProtobuf());
        assertEquals(key.peerId(), back.peerId());
        byte[] sig = back.sign(new byte[] {1, 2, 3});
        assertTrue(key.publicKey().verify(new byte[] {1, 2, 3}, sig));
        assertEquals(key.peerId(), PrivateKey.fromSeed(Arrays.copyOfRange(key.toProtobuf(), 4, 36)).peerId());
        assertFalse(key.toString().contains(SpecVectors.hex(key.toProtobuf()).substring(8, 24)));
    }

    @Test
    void legacy96ByteFormIsAcceptedOnlyWithMatchingHalves() {
        byte[] data = Arrays.copyOfRange(PRIVATE, 4, 68);
        byte[] legacy = privateProtobuf(1, concat(data, Arrays.copyOfRange(data, 32, 64)));
        assertEquals(SpecVectors.ED25519_PEER_ID, PrivateKey.fromProtobuf(legacy).peerId().toString());
        byte[] mismatched = legacy.clone();
        mismatched[mismatched.length - 1] ^= 1;
        assertMessage("two different public halves", () -> PrivateKey.fromProtobuf(mismatched));
    }

    @Test
    void seedThatDoesNotDeriveTheStoredPublicHalfIsRefused() {
        byte[] wrongSeed = PRIVATE.clone();
        wrongSeed[4] ^= 1;
        assertMessage("does not match the seed", () -> PrivateKey.fromProtobuf(wrongSeed));
    }

    @Test
    void nonEd25519KeysAreRefusedClearly() {
        assertMessage("only Ed25519", () -> PrivateKey.fromProtobuf(hex(SpecVectors.SECP256K1_PRIVATE)));
        assertMessage("only Ed25519", () -> PrivateKey.fromProtobuf(hex(SpecVectors.ECDSA_PRIVATE)));
        assertMessage("only Ed25519", () -> PrivateKey.fromProtobuf(SpecVectors.resource("rsa-private-key.hex")));
        assertMessage("64 or 96 bytes", () -> PrivateKey.fromProtobuf(privateProtobuf(1, new byte[32])));
        assertMessage("malformed", () -> PrivateKey.fromProtobuf(hex("0801")));
        assertThrows(Libp2pException.class, () -> PrivateKey.fromSeed(new byte[31]));
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        Libp2pException e = assertThrows(Libp2pException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static byte[] privateProtobuf(int type, byte[] data) {
        byte[] length = Varint.encode(data.length);
        return concat(concat(new byte[] {0x08, (byte) type, 0x12}, length), data);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
