package org.opencloud.discovery.p2p.security.noise;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Libp2pException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
