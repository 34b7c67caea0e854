package org.opencloud.discovery.p2p.security.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The outbound side of the transport codec: what one flush writes, and when the writers hear of it. */
class NoiseTransportCodecTest {
    private static final byte[] KEY = new byte[32];

    @Test
    void aFlushPacksItsWritesIntoFullFramesAndCompletesEachWriteWithItsLastFrame() {
        Random random = new Random(7);
        byte[][] writes = {bytes(random, 12), bytes(random, 65536), bytes(random, 12), bytes(random, 300), bytes(random, 0),
            bytes(random, 140_000)};
        EmbeddedChannel sender = new EmbeddedChannel(new NoiseTransportCodec(new CipherState(KEY), new CipherState(KEY)));
        List<ChannelFuture> written = new ArrayList<>();
        for (byte[] w : writes) { // heap and direct buffers alike
            ByteBuf buf = w.length % 2 == 0 ? Unpooled.wrappedBuffer(w) : Unpooled.directBuffer(w.length).writeBytes(w);
            written.add(sender.write(buf));
        }
        written.forEach(f -> assertFalse(f.isDone(), "nothing is written before the flush"));
        sender.flush();

        List<byte[]> frames = new ArrayList<>();
        ByteBuf frame;
        while ((frame = sender.readOutbound()) != null) {
            frames.add(ByteBufUtil.getBytes(frame));
            frame.release();
        }
        int total = Arrays.stream(writes).mapToInt(w -> w.length).sum();
        assertEquals((total + NoiseTransportCodec.MAX_PLAINTEXT_LENGTH - 1) / NoiseTransportCodec.MAX_PLAINTEXT_LENGTH,
                frames.size(), "frames are filled up to the largest plaintext");
        written.forEach(f -> assertTrue(f.isSuccess(), "every write succeeds once its last frame is written"));

        CipherState receiver = new CipherState(KEY);
        ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            int length = (f[0] & 0xff) << 8 | (f[1] & 0xff);
            assertEquals(f.length - 2, length, "the prefix gives the frame's length");
            byte[] out = new byte[length - CipherState.TAG_LENGTH];
            receiver.decrypt(Arrays.copyOfRange(f, 2, f.length), length, out, 0);
            plaintext.writeBytes(out);
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Arrays.stream(writes).forEach(expected::writeBytes);
        assertArrayEquals(expected.toByteArray(), plaintext.toByteArray());
        assertFalse(sender.finishAndReleaseAll());
    }

    @Test
    void writesNotYetFlushedFailWhenTheChannelCloses() {
        EmbeddedChannel sender = new EmbeddedChannel(new NoiseTransportCodec(new CipherState(KEY), new CipherState(KEY)));
        ByteBuf data = Unpooled.directBuffer(100).writeZero(100);
        ChannelFuture write = sender.write(data);
        sender.close();

        assertInstanceOf(ClosedChannelException.class, write.cause());
        assertEquals(0, data.refCnt(), "the queued buffer is released");
        assertFalse(sender.finishAndReleaseAll());
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
