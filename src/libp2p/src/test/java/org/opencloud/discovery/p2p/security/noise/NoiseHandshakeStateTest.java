package org.opencloud.discovery.p2p.security.noise;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Libp2pException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.security.noise.NoiseTestSupport.hex;

class NoiseHandshakeStateTest {
    private final NoiseHandshakeState initiator = new NoiseHandshakeState(true);
    private final NoiseHandshakeState responder = new NoiseHandshakeState(false);

    @Test
    void xxHandshakeAgreesOnKeysAndPayloads() {
        byte[] payload2 = "responder".getBytes(StandardCharsets.US_ASCII);
        byte[] payload3 = "initiator".getBytes(StandardCharsets.US_ASCII);

        byte[] message1 = initiator.writeMessage(new byte[0]);
        assertEquals(32, message1.length);
        assertEquals(0, responder.readMessage(message1).length);
        byte[] message2 = responder.writeMessage(payload2);
        assertEquals(32 + 48 + payload2.length + 16, message2.length);
        assertArrayEquals(payload2, initiator.readMessage(message2));
        byte[] message3 = initiator.writeMessage(payload3);
        assertEquals(48 + payload3.length + 16, message3.length);
        assertArrayEquals(payload3, responder.readMessage(message3));

        assertTrue(initiator.isComplete() && responder.isComplete());
        assertArrayEquals(initiator.handshakeHash(), responder.handshakeHash());
        assertArrayEquals(initiator.localStaticPublicKey(), responder.remoteStaticPublicKey());
        assertArrayEquals(responder.localStaticPublicKey(), initiator.remoteStaticPublicKey());

        NoiseHandshakeState.TransportKeys initiatorKeys = initiator.split();
        NoiseHandshakeState.TransportKeys responderKeys = responder.split();
        byte[] sealed = initiatorKeys.sender().encryptWithAd(new byte[0], payload3);
        assertArrayEquals(payload3, responderKeys.receiver().decryptWithAd(new byte[0], sealed));
        sealed = responderKeys.sender().encryptWithAd(new byte[0], payload2);
        assertArrayEquals(payload2, initiatorKeys.receiver().decryptWithAd(new byte[0], sealed));
    }

    /** The Noise_XX_25519_ChaChaPoly_SHA256 vector of the cacophony test-vector suite (prologue "John Galt"). */
    @Test
    void cacophonyKnownAnswer() {
        byte[] prologue = hex("4a6f686e2047616c74");
        NoiseHandshakeState alice = new NoiseHandshakeState(true, prologue,
                hex("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1"),
                hex("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a"));
        NoiseHandshakeState bob = new NoiseHandshakeState(false, prologue,
                hex("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893"),
                hex("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b"));

        exchange(alice, bob, "4c756477696720766f6e204d69736573",
                "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573");
        exchange(bob, alice, "4d757272617920526f746862617264",
                "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285"
                        + "e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db5"
                        + "0f8814c7194e83f23dbd8d162c9326ad");
        exchange(alice, bob, "462e20412e20486179656b",
                "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f"
                        + "58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030");
        assertArrayEquals(hex("c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e"), alice.handshakeHash());

        NoiseHandshakeState.TransportKeys aliceKeys = alice.split();
        NoiseHandshakeState.TransportKeys bobKeys = bob.split();
        assertArrayEquals(hex("96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"),
                bobKeys.sender().encryptWithAd(new byte[0], hex("4361726c204d656e676572")));
        assertArrayEquals(hex("3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"),
                aliceKeys.sender().encryptWithAd(new byte[0], hex("4a65616e2d426170746973746520536179")));
        assertArrayEquals(hex("eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"),
                bobKeys.sender().encryptWithAd(new byte[0], hex("457567656e2042f6686d20766f6e2042617765726b")));
    }

    private static void exchange(NoiseHandshakeState writer, NoiseHandshakeState reader, String payload, String ciphertext) {
        byte[] message = writer.writeMessage(hex(payload));
        assertArrayEquals(hex(ciphertext), message);
        assertArrayEquals(hex(payload), reader.readMessage(message));
    }

    @Test
    void tamperedMessage2IsRejected() {
        responder.readMessage(initiator.writeMessage(new byte[0]));
        byte[] message2 = responder.writeMessage(new byte[] {1, 2, 3});
        message2[40] ^= 1;

        assertThrows(Libp2pException.class, () -> initiator.readMessage(message2));
    }

    @Test
    void shortMessage2IsRejected() {
        responder.readMessage(initiator.writeMessage(new byte[0]));

        Libp2pException e = assertThrows(Libp2pException.class, () -> initiator.readMessage(new byte[90]));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    @Test
    void messagesOutOfTurnAreRefused() {
        assertThrows(IllegalStateException.class, () -> responder.writeMessage(new byte[0]));
        assertThrows(IllegalStateException.class, () -> initiator.readMessage(new byte[32]));
    }
}
