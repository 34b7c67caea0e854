package org.opencloud.discovery.p2p.core;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.fuzz.DecoderFuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.core.SpecVectors.hex;

class PeerIdTest {

    @Test
    void ed25519VectorIdAndCid() {
        PeerId id = PeerId.fromPublicKey(PublicKey.fromProtobuf(hex(SpecVectors.ED25519_PUBLIC)));
        assertEquals(SpecVectors.ED25519_PEER_ID, id.toString());
        assertEquals(SpecVectors.ED25519_CID, id.toCid());
        assertEquals(id, PeerId.fromString(SpecVectors.ED25519_CID));
        assertEquals(id, PeerId.fromString(SpecVectors.ED25519_PEER_ID));
        assertArrayEquals(hex("0024" + SpecVectors.ED25519_PUBLIC), id.toBytes());
        assertEquals(PublicKey.fromProtobuf(hex(SpecVectors.ED25519_PUBLIC)), id.inlinedPublicKey());
    }

    @Test
    void secp256k1VectorId() {
        assertEquals("16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY",
                PeerId.fromPublicKey(PublicKey.fromProtobuf(hex(SpecVectors.SECP256K1_PUBLIC))).toString());
    }

    @Test
    void ecdsaAndRsaVectorsUseSha256Ids() {
        PeerId ecdsa = PeerId.fromPublicKey(PublicKey.fromProtobuf(hex(SpecVectors.ECDSA_PUBLIC)));
        assertEquals("QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk", ecdsa.toString());
        assertNull(ecdsa.inlinedPublicKey());
        PeerId rsa = PeerId.fromPublicKey(PublicKey.fromProtobuf(SpecVectors.resource("rsa-public-key.hex")));
        assertEquals("QmaeANgBs1DTSxWSrPPtobgQuxW8XTfsS4ydbK4rCHzqxG", rsa.toString());
    }

    @Test
    void decodesTheSpecStrings() {
        assertArrayEquals(hex("0024080112202ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37eb1336b"),
                PeerId.fromString("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA").toBytes());
        PeerId sha = PeerId.fromString("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        assertEquals("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", sha.toCid());
        assertEquals(sha, PeerId.fromString("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe"));
        assertEquals("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", sha.toString());
    }

    @Test
    void rejectsGarbage() {
        assertThrows(Libp2pException.class, () -> PeerId.fromString("hello"));
        assertThrows(Libp2pException.class, () -> PeerId.fromString("Qm0"));
        assertThrows(Libp2pException.class, () -> PeerId.fromBytes(hex("1220ff")));
        assertThrows(Libp2pException.class, () -> PeerId.fromBytes(hex("1120" + "00".repeat(32))));
        // a CIDv1 with the dag-pb codec (0x70) is not a peer id
        assertThrows(Libp2pException.class, () -> PeerId.fromString("b" + Base32.encode(hex("0170" + "1220"
                + "00".repeat(32)))));
        assertThrows(Libp2pException.class, () -> PeerId.fromBytes(new byte[0]));
    }

    /** Fuzzing found it: base58 of a long text cost memory and time quadratic in its length (a peers file, a NATS peer). */
    @Test
    void textLongerThanAnyPeerIdIsRefusedBeforeItIsDecoded() {
        String megabyte = "z".repeat(1 << 20);
        assertThrows(Libp2pException.class, () -> PeerId.fromString("z".repeat(PeerId.MAX_TEXT_LENGTH + 1)));
        long before = DecoderFuzz.allocatedByThisThread();
        assertThrows(Libp2pException.class, () -> PeerId.fromString(megabyte));
        assertThrows(Libp2pException.class, () -> PeerId.fromString("b" + "a".repeat(PeerId.MAX_TEXT_LENGTH)));
        assertTrue(DecoderFuzz.allocatedByThisThread() - before < 64 * 1024, "refused without decoding");
        PeerId longest = PeerId.fromPublicKey(PublicKey.fromProtobuf(hex(SpecVectors.SECP256K1_PUBLIC)));
        assertEquals(longest, PeerId.fromString(longest.toCid()));
    }
}
