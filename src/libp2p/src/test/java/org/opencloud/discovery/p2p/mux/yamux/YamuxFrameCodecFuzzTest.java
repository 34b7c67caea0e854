package org.opencloud.discovery.p2p.mux.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.fuzz.FuzzChannels;
import org.opencloud.discovery.fuzz.FuzzInputs;
import org.opencloud.discovery.p2p.core.Libp2pException;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Yamux frame decoding of any bytes in any chunking: frames whose payload is what their header says, or a
 * {@link Libp2pException} after which nothing more is decoded; a Data header claiming more than the limit
 * (up to 4 GiB) is refused from the header alone. Frames we encode decode to themselves.
 */
class YamuxFrameCodecFuzzTest {
    private static final int MAX_DATA = 4096;
    private static final DecoderFuzz FRAMES = DecoderFuzz.of("yamux frames",
            FuzzChannels.FIXED_BYTES, FuzzChannels.PER_INPUT_BYTE, Libp2pException.class);

    @AfterContainer
    static void summary() {
        System.out.println(FRAMES.summary());
    }

    @Provide
    Arbitrary<byte[]> frames() {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(bytes(YamuxFrameCodec.encodeHeader(alloc, YamuxFrame.TYPE_WINDOW_UPDATE, YamuxFrame.FLAG_SYN, 1, 0)));
        seeds.add(bytes(YamuxFrameCodec.encodeData(alloc, 1, Unpooled.wrappedBuffer("hello".getBytes()))));
        seeds.add(bytes(YamuxFrameCodec.encodeData(alloc, 3, Unpooled.wrappedBuffer(new byte[MAX_DATA]))));
        seeds.add(bytes(YamuxFrameCodec.encodeHeader(alloc, YamuxFrame.TYPE_DATA, YamuxFrame.FLAG_FIN, 1, 0)));
        seeds.add(bytes(YamuxFrameCodec.encodeHeader(alloc, YamuxFrame.TYPE_PING, YamuxFrame.FLAG_SYN, 0, 42)));
        seeds.add(bytes(YamuxFrameCodec.encodeHeader(alloc, YamuxFrame.TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_NORMAL)));
        seeds.add(bytes(YamuxFrameCodec.encodeHeader(alloc, YamuxFrame.TYPE_WINDOW_UPDATE, YamuxFrame.FLAG_RST, 5, 0)));
        return FuzzInputs.mutationsOf(seeds, 4 * MAX_DATA);
    }

    @Property
    void anyBytesDecodeToConsistentFramesOrAProtocolError(@ForAll("frames") byte[] input, @ForAll long chunking) {
        FRAMES.check(input, bytes -> decode(bytes, chunking));
    }

    @Property
    void encodedFramesDecodeToThemselves(@ForAll("frameLists") List<Frame> frames, @ForAll long chunking) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (Frame f : frames) {
            wire.writeBytes(bytes(f.type() == YamuxFrame.TYPE_DATA
                    ? YamuxFrameCodec.encodeData(ByteBufAllocator.DEFAULT, f.streamId(), Unpooled.wrappedBuffer(f.data()))
                    : YamuxFrameCodec.encodeHeader(ByteBufAllocator.DEFAULT, f.type(), f.flags(), f.streamId(), f.length())));
        }
        List<Frame> decoded = new ArrayList<>();
        FRAMES.check(wire.toByteArray(), bytes -> decoded.addAll(decode(bytes, chunking)));
        assertEquals(frames.size(), decoded.size());
        for (int i = 0; i < frames.size(); i++) {
            Frame want = frames.get(i);
            Frame got = decoded.get(i);
            assertEquals(want.type(), got.type());
            assertEquals(want.streamId(), got.streamId());
            if (want.type() == YamuxFrame.TYPE_DATA) {
                assertArrayEquals(want.data(), got.data());
            } else {
                assertEquals(want.flags(), got.flags());
                assertEquals(want.length(), got.length());
            }
        }
    }

    @Provide
    Arbitrary<List<Frame>> frameLists() {
        Arbitrary<byte[]> payloads = Arbitraries.randomValue(r -> {
            byte[] payload = new byte[r.nextInt(MAX_DATA + 1)];
            r.nextBytes(payload);
            return payload;
        });
        Arbitrary<Frame> data = Combinators.combine(Arbitraries.integers(), payloads)
                .as((id, payload) -> new Frame(YamuxFrame.TYPE_DATA, 0, id, payload.length, payload));
        Arbitrary<Frame> header = Combinators.combine(Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers(), Arbitraries.integers())
                .as((type, flags, id, length) -> new Frame(type, flags, id, length, null));
        return Arbitraries.oneOf(data, header).list().ofMaxSize(20);
    }

    record Frame(int type, int flags, int streamId, int length, byte[] data) {
    }

    /** The frames decoded from {@code input} fed in chunks; a protocol error is rethrown as it is. */
    private static List<Frame> decode(byte[] input, long chunking) {
        EmbeddedChannel channel = FuzzChannels.channel(new YamuxFrameCodec(MAX_DATA));
        List<Frame> frames = new ArrayList<>();
        try {
            for (byte[] chunk : FuzzChannels.chunks(input, chunking)) {
                try {
                    channel.writeInbound(Unpooled.wrappedBuffer(chunk));
                } finally {
                    drain(channel, frames);
                }
            }
            return frames;
        } catch (DecoderException e) {
            // after its protocol error the codec decodes nothing more, whatever follows
            channel.writeInbound(Unpooled.wrappedBuffer(input));
            assertTrue(channel.inboundMessages().isEmpty(), "frames decoded after a protocol error");
            throw e.getCause() instanceof Libp2pException cause ? cause : e;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void drain(EmbeddedChannel channel, List<Frame> into) {
        YamuxFrame frame;
        while ((frame = channel.readInbound()) != null) {
            try {
                byte[] data = null;
                if (frame.type() == YamuxFrame.TYPE_DATA) {
                    assertTrue(frame.unsignedLength() <= MAX_DATA, "a data frame over the limit: " + frame);
                    assertEquals(frame.length(), frame.data().readableBytes(), "payload size is the header's");
                    data = ByteBufUtil.getBytes(frame.data());
                } else {
                    assertEquals(null, frame.data());
                }
                into.add(new Frame(frame.type(), frame.flags(), frame.streamId(), frame.length(), data));
            } finally {
                frame.release();
            }
        }
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
