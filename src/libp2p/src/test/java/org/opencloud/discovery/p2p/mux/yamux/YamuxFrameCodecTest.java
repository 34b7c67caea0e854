package org.opencloud.discovery.p2p.mux.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Libp2pException;

class YamuxFrameCodecTest {

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
    }

    private static String dump(ByteBuf buf) {
        try {
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void encodesTheSpecExamples() {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        assertEquals("000100010000000100000000",
                dump(YamuxFrameCodec.encodeHeader(alloc, YamuxFrame.TYPE_WINDOW_UPDATE, YamuxFrame.FLAG_SYN, 1, 0)));
        assertEquals("000000000000000100000005" + "68656c6c6f",
                dump(YamuxFrameCodec.encodeData(alloc, 1, Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII))));
        assertEquals("000300000000000000000000",
                dump(YamuxFrameCodec.encodeHeader(alloc, YamuxFrame.TYPE_GO_AWAY, 0, 0, 0)));
    }

    @Test
    void largePayloadIsFramedWithoutLosingBytes() {
        byte[] payload = new byte[70_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        ByteBuf frame = YamuxFrameCodec.encodeData(ByteBufAllocator.DEFAULT, 3, Unpooled.wrappedBuffer(payload));
        try {
            assertEquals(12 + payload.length, frame.readableBytes());
            assertEquals(payload.length, frame.getInt(8));
            assertEquals((byte) 69_999, frame.getByte(12 + 69_999));
        } finally {
            frame.release();
        }
    }

    @Test
    void decodesFramesSplitAcrossReads() {
        EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameCodec(1024));
        channel.writeInbound(hex("00 00 0004 00000001 00000005 6865"));
        assertNull(channel.readInbound());
        channel.writeInbound(hex("6c6c6f 00 02 0001 00000000 0000002a"));
        YamuxFrame data = channel.readInbound();
        YamuxFrame ping = channel.readInbound();
        try {
            assertEquals(YamuxFrame.TYPE_DATA, data.type());
            assertEquals(YamuxFrame.FLAG_FIN, data.flags());
            assertEquals(1, data.streamId());
            assertEquals("hello", data.data().toString(StandardCharsets.US_ASCII));
            assertEquals(YamuxFrame.TYPE_PING, ping.type());
            assertEquals(42, ping.length());
            assertNull(ping.data());
        } finally {
            data.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void rejectsWrongVersion() {
        assertProtocolError("01 00 0000 00000001 00000000");
    }

    @Test
    void rejectsUnknownType() {
        assertProtocolError("00 04 0000 00000001 00000000");
    }

    @Test
    void rejectsDataLongerThanTheLimit() {
        assertProtocolError("00 00 0000 00000001 00000401");
    }

    private static void assertProtocolError(String hex) {
        EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameCodec(1024));
        DecoderException error = assertThrows(DecoderException.class, () -> channel.writeInbound(hex(hex)));
        assertInstanceOf(Libp2pException.class, error.getCause());
        // Everything after a malformed header is discarded, even well-formed frames.
        channel.writeInbound(hex("00 02 0001 00000000 00000001"));
        assertNull(channel.readInbound());
        channel.finishAndReleaseAll();
    }
}
