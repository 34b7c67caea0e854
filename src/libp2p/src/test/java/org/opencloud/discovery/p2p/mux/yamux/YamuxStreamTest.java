package org.opencloud.discovery.p2p.mux.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.mux.MuxedStream;

/** Two sessions back to back: streams, half-close, reset, flow control. */
class YamuxStreamTest {

    private final YamuxTestPeers peers = new YamuxTestPeers(YamuxConfig.defaults());

    @AfterEach
    void releaseAll() {
        peers.close();
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Opens a client stream and returns it with listeners on both ends: [clientSide, serverSide]. */
    private Object[] openPair(YamuxRecordingListener clientListener, YamuxRecordingListener serverListener) {
        MuxedStream outbound = peers.client.openStream().getNow();
        outbound.setListener(clientListener);
        peers.shuttle();
        MuxedStream inbound = peers.serverInbound.get(peers.serverInbound.size() - 1);
        inbound.setListener(serverListener);
        return new Object[] {outbound, inbound};
    }

    @Test
    void dataAndFinFlowBothWays() {
        YamuxRecordingListener atClient = new YamuxRecordingListener();
        YamuxRecordingListener atServer = new YamuxRecordingListener();
        Object[] pair = openPair(atClient, atServer);
        MuxedStream outbound = (MuxedStream) pair[0];
        MuxedStream inbound = (MuxedStream) pair[1];
        assertEquals(1, inbound.id());
        assertFalse(inbound.isInitiator());

        assertTrue(outbound.write(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII)).isSuccess());
        assertTrue(outbound.closeWrite().isSuccess());
        peers.shuttle();
        assertEquals("ping", atServer.received.toString(StandardCharsets.US_ASCII));
        assertTrue(atServer.remoteClosed);
        assertEquals(1, peers.server.streamCount(), "half-closed streams stay open");

        inbound.write(Unpooled.copiedBuffer("pong", StandardCharsets.US_ASCII));
        inbound.closeWrite();
        peers.shuttle();
        assertEquals("pong", atClient.received.toString(StandardCharsets.US_ASCII));
        assertTrue(atClient.remoteClosed);
        assertTrue(outbound.closeFuture().isSuccess());
        assertTrue(inbound.closeFuture().isSuccess());
        assertEquals(0, peers.client.streamCount());
        assertEquals(0, peers.server.streamCount());
        assertFalse(outbound.write(Unpooled.wrappedBuffer(new byte[1])).isSuccess());
    }

    @Test
    void dataArrivingBeforeTheListenerIsHeldForIt() {
        MuxedStream outbound = peers.client.openStream().getNow();
        outbound.write(Unpooled.copiedBuffer("early", StandardCharsets.US_ASCII));
        outbound.closeWrite();
        peers.shuttle();
        YamuxRecordingListener late = new YamuxRecordingListener();
        peers.serverInbound.get(0).setListener(late);
        assertEquals("early", late.received.toString(StandardCharsets.US_ASCII));
        assertTrue(late.remoteClosed);
    }

    @Test
    void resetReachesThePeerAndFailsPendingWrites() {
        YamuxRecordingListener atClient = new YamuxRecordingListener();
        YamuxRecordingListener atServer = new YamuxRecordingListener();
        Object[] pair = openPair(atClient, atServer);
        MuxedStream outbound = (MuxedStream) pair[0];
        ((MuxedStream) pair[1]).pauseReading();
        outbound.write(Unpooled.wrappedBuffer(new byte[YamuxConfig.SPEC_INITIAL_WINDOW]));
        Future<Void> blocked = outbound.write(Unpooled.wrappedBuffer(new byte[10]));
        peers.shuttle();
        assertFalse(blocked.isDone());

        outbound.reset();
        peers.shuttle();
        assertFalse(blocked.isSuccess());
        assertNotNull(atClient.resetCause);
        assertNotNull(atServer.resetCause);
        assertEquals(0, atServer.received.size(), "held data is dropped on reset");
        assertEquals(0, peers.client.streamCount());
        assertEquals(0, peers.server.streamCount());
    }

    @Test
    void exhaustedWindowBlocksTheWriterUntilTheReaderConsumes() {
        YamuxRecordingListener atServer = new YamuxRecordingListener();
        Object[] pair = openPair(new YamuxRecordingListener(), atServer);
        MuxedStream outbound = (MuxedStream) pair[0];
        MuxedStream inbound = (MuxedStream) pair[1];
        inbound.pauseReading();
        byte[] payload = randomBytes(YamuxConfig.SPEC_INITIAL_WINDOW + 1000, 1);
        Future<Void> write = outbound.write(Unpooled.wrappedBuffer(payload));
        peers.shuttle();
        assertFalse(write.isDone());
        assertEquals(0, ((YamuxStream) outbound).sendCredit());
        assertEquals(0, atServer.received.size());

        inbound.resumeReading();
        peers.shuttle();
        assertTrue(write.isSuccess());
        assertArrayEquals(payload, atServer.received.toByteArray());
    }

    @Test
    void receiveWindowGrowsTowardTheMaximumForAFastReader() {
        YamuxRecordingListener atServer = new YamuxRecordingListener();
        Object[] pair = openPair(new YamuxRecordingListener(), atServer);
        MuxedStream outbound = (MuxedStream) pair[0];
        YamuxStream inbound = (YamuxStream) pair[1];
        byte[] chunk = new byte[1024 * 1024];
        for (int i = 0; i < 24; i++) {
            outbound.write(Unpooled.wrappedBuffer(chunk));
            peers.shuttle();
            atServer.received.reset();
        }
        // Exact doubling depends on timing (see YamuxReceiveWindowTest); a fast reader grows at least 4x.
        assertTrue(inbound.receiveWindowSize() >= 4 * YamuxConfig.SPEC_INITIAL_WINDOW, "window " + inbound.receiveWindowSize());
        assertTrue(((YamuxStream) outbound).sendCredit() > YamuxConfig.SPEC_INITIAL_WINDOW);
    }

    @Test
    void fourMebibytesArriveIntactInFramesOfAtMost64KiB() {
        YamuxRecordingListener atServer = new YamuxRecordingListener();
        MuxedStream outbound = (MuxedStream) openPair(new YamuxRecordingListener(), atServer)[0];
        byte[] payload = randomBytes(4 * 1024 * 1024, 4);
        Future<Void> write = outbound.write(Unpooled.wrappedBuffer(payload));
        outbound.closeWrite();
        List<Integer> frameSizes = new ArrayList<>();
        peers.serverChannel.pipeline().addFirst(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                frameSizes.add(((io.netty.buffer.ByteBuf) msg).readableBytes());
                ctx.fireChannelRead(msg);
            }
        });
        peers.shuttle();
        assertTrue(write.isSuccess());
        assertTrue(atServer.remoteClosed);
        assertArrayEquals(payload, atServer.received.toByteArray());
        assertTrue(frameSizes.stream().allMatch(size -> size <= 12 + 64 * 1024), frameSizes.toString());
    }

    @Test
    void hundredConcurrentStreamsComplete() {
        List<MuxedStream> outbound = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            MuxedStream stream = peers.client.openStream().getNow();
            byte[] payload = randomBytes(50_000 + i, i);
            stream.write(Unpooled.wrappedBuffer(payload));
            stream.closeWrite();
            outbound.add(stream);
            payloads.add(payload);
        }
        List<YamuxRecordingListener> listeners = new ArrayList<>();
        peers.shuttle();
        for (MuxedStream inbound : peers.serverInbound) {
            YamuxRecordingListener listener = new YamuxRecordingListener();
            inbound.setListener(listener);
            listeners.add(listener);
            inbound.closeWrite();
        }
        peers.shuttle();
        assertEquals(100, listeners.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(2 * i + 1, peers.serverInbound.get(i).id());
            assertArrayEquals(payloads.get(i), listeners.get(i).received.toByteArray());
            assertTrue(outbound.get(i).closeFuture().isSuccess());
        }
        assertEquals(0, peers.client.streamCount());
        assertEquals(0, peers.server.streamCount());
    }

    @Test
    void closedConnectionResetsStreamsAndFailsPendingWrites() {
        YamuxRecordingListener atClient = new YamuxRecordingListener();
        Object[] pair = openPair(atClient, new YamuxRecordingListener());
        MuxedStream outbound = (MuxedStream) pair[0];
        ((MuxedStream) pair[1]).pauseReading();
        Future<Void> write = outbound.write(Unpooled.wrappedBuffer(new byte[YamuxConfig.SPEC_INITIAL_WINDOW * 2]));
        peers.shuttle();
        assertFalse(write.isDone());

        peers.clientChannel.close();
        assertFalse(write.isSuccess());
        assertTrue(write.isDone());
        assertNotNull(atClient.resetCause);
        assertTrue(atClient.resetCause.getMessage().contains("closed"), atClient.resetCause.getMessage());
        assertFalse(peers.client.isOpen());
        assertFalse(peers.client.openStream().isSuccess());
    }
}
