package org.opencloud.discovery.p2p.security.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.security.noise.NoiseTestSupport.Peer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.security.noise.NoiseTestSupport.MUXERS;
import static org.opencloud.discovery.p2p.security.noise.NoiseTestSupport.shuttle;

class NoiseHandshakeHandlerTest {
    private Peer initiator;
    private Peer responder;

    @AfterEach
    void finish() {
        if (initiator != null) {
            initiator.finish();
        }
        if (responder != null) {
            responder.finish();
        }
    }

    @Test
    void handshakeYieldsMatchingSessionsAndReplacesItself() {
        responder = new Peer(false, null);
        initiator = new Peer(true, responder.identity.peerId());
        shuttle(initiator, responder);

        NoiseSession atInitiator = initiator.result.getNow();
        NoiseSession atResponder = responder.result.getNow();
        assertEquals(responder.identity.peerId(), atInitiator.remotePeerId());
        assertEquals(responder.identity.publicKey(), atInitiator.remotePublicKey());
        assertEquals(initiator.identity.peerId(), atInitiator.localPeerId());
        assertEquals(initiator.identity.peerId(), atResponder.remotePeerId());
        assertEquals(MUXERS, atInitiator.remoteMuxers());
        assertEquals(MUXERS, atResponder.remoteMuxers());
        for (Peer peer : new Peer[] {initiator, responder}) {
            assertNull(peer.channel.pipeline().get(NoiseHandshakeHandler.NAME));
            assertInstanceOf(NoiseTransportCodec.class, peer.channel.pipeline().get(NoiseHandshakeHandler.TRANSPORT_CODEC_NAME));
        }
    }

    @Test
    void transportBytesPipelinedBehindMessage3AreDelivered() {
        responder = new Peer(false, null);
        initiator = new Peer(true, null);
        responder.receive(initiator.takeOutbound());
        initiator.receive(responder.takeOutbound());
        assertTrue(initiator.result.isSuccess());
        byte[] header = "yamux-header".getBytes(StandardCharsets.US_ASCII);
        byte[] body = "first stream bytes".getBytes(StandardCharsets.US_ASCII);
        initiator.channel.write(Unpooled.wrappedBuffer(header));
        initiator.channel.writeAndFlush(Unpooled.wrappedBuffer(body));

        // Message 3 and the transport frame arrive in one read.
        responder.receive(initiator.takeOutbound());

        assertTrue(responder.result.isSuccess());
        assertEquals("yamux-headerfirst stream bytes", new String(responder.sink.received(), StandardCharsets.US_ASCII));
    }

    @Test
    void expectedPeerIdMismatchFailsTheInitiator() {
        responder = new Peer(false, null);
        initiator = new Peer(true, PrivateKey.generate().peerId());
        shuttle(initiator, responder);

        assertFailed(initiator, "peer id mismatch");
        assertTrue(initiator.result.cause().getMessage().contains("got " + responder.identity.peerId()));
    }

    @Test
    void signatureOverAnotherStaticKeyFailsTheInitiator() {
        initiator = new Peer(true, null);
        NoiseHandshakeState forger = new NoiseHandshakeState(false);
        forger.readMessage(unframe(initiator.takeOutbound()));
        byte[] wrongStaticKey = new NoiseHandshakeState(false).localStaticPublicKey();
        byte[] payload = NoisePayload.encode(PrivateKey.generate(), wrongStaticKey, MUXERS);
        initiator.receive(frame(forger.writeMessage(payload)));

        assertFailed(initiator, "noise handshake failed: invalid identity signature");
    }

    @Test
    void lowOrderEphemeralKeyInMessage1FailsTheResponder() {
        responder = new Peer(false, null);
        responder.receive(frame(new byte[32]).writeBytes(new byte[] {0, 5, 1, 2, 3, 4, 5}));

        assertFailed(responder, "low-order");
    }

    @Test
    void message1OfWrongLengthFailsTheResponder() {
        responder = new Peer(false, null);
        responder.receive(frame(new byte[33]));

        assertFailed(responder, "message 1 must be 32 bytes");
    }

    @Test
    void garbageInsteadOfMessage2FailsTheInitiator() {
        initiator = new Peer(true, null);
        initiator.takeOutbound().release();
        byte[] garbage = new byte[200];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 7 + 3);
        }
        initiator.receive(frame(garbage));

        assertFailed(initiator, "noise decryption failed");
    }

    @Test
    void connectionClosedMidMessageFailsTheHandshake() {
        responder = new Peer(false, null);
        responder.receive(Unpooled.wrappedBuffer(new byte[] {0, 32, 1, 2, 3}));
        responder.channel.close();

        assertFailed(responder, "connection closed before message 1");
    }

    @Test
    void silentPeerTimesOut() {
        responder = new Peer(false, null);
        responder.channel.advanceTimeBy(NoiseHandshakeHandler.DEFAULT_TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        responder.channel.runScheduledPendingTasks();

        assertFailed(responder, "timed out");
    }

    @Test
    void tamperedTransportFrameClosesTheConnection() {
        responder = new Peer(false, null);
        initiator = new Peer(true, null);
        shuttle(initiator, responder);
        initiator.channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4}));
        ByteBuf frame = initiator.takeOutbound();
        frame.setByte(4, frame.getByte(4) ^ 0x40);
        responder.receive(frame);

        assertFalse(responder.channel.isOpen());
        assertEquals(0, responder.sink.received().length);
    }

    @Test
    void configuredTimeoutIsHonoured() {
        responder = new Peer(false, null, Duration.ofMillis(200));
        responder.channel.advanceTimeBy(199, TimeUnit.MILLISECONDS);
        responder.channel.runScheduledPendingTasks();
        assertFalse(responder.result.isDone());
        responder.channel.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        responder.channel.runScheduledPendingTasks();

        assertFailed(responder, "timed out after 200 ms");
    }

    private static void assertFailed(Peer peer, String messagePart) {
        assertTrue(peer.result.isDone() && !peer.result.isSuccess(), "handshake should have failed");
        Throwable cause = peer.result.cause();
        assertInstanceOf(Libp2pException.class, cause);
        assertTrue(cause.getMessage().startsWith("noise handshake failed: "), cause.getMessage());
        assertTrue(cause.getMessage().contains(messagePart), cause.getMessage());
        assertFalse(peer.channel.isOpen(), "channel should be closed");
    }

    private static ByteBuf frame(byte[] message) {
        return Unpooled.buffer().writeShort(message.length).writeBytes(message);
    }

    private static byte[] unframe(ByteBuf frame) {
        try {
            byte[] message = new byte[frame.readUnsignedShort()];
            frame.readBytes(message);
            return message;
        } finally {
            frame.release();
        }
    }
}
