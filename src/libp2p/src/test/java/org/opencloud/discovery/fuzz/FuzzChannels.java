package org.opencloud.discovery.fuzz;

import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Streaming decoders (Netty handlers) under fuzzing: an {@link EmbeddedChannel} whose buffers are unpooled
 * heap buffers, so that what a handler allocates shows in its thread's allocation count, and the input cut
 * into reads of random sizes, as TCP may deliver it. Feeding costs allocation too (a buffer and a pipeline
 * event per read, up to a few hundred bytes per input byte when read byte by byte): {@link #PER_INPUT_BYTE}
 * is the allocation bound per input byte for decoders fed this way.
 */
public final class FuzzChannels {
    /** Heap buffers, counted by the thread's allocation; no leak detector, whose records would be counted too. */
    private static final UnpooledByteBufAllocator HEAP = new UnpooledByteBufAllocator(false, true);

    /** Allocation allowed per input byte to a decoder fed through {@link #chunks} (mostly the feeding's). */
    public static final long PER_INPUT_BYTE = 256;
    /** Allocation allowed whatever the input: the channel, its pipeline, the handler. */
    public static final long FIXED_BYTES = 512 * 1024;

    private FuzzChannels() {
    }

    /** An active channel with {@code handlers} added after its allocator was set. */
    public static EmbeddedChannel channel(ChannelHandler... handlers) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(HEAP);
        channel.pipeline().addLast(handlers);
        return channel;
    }

    /** {@code bytes} in a heap buffer of that allocator, for decoders fed buffers outside a channel. */
    public static io.netty.buffer.ByteBuf buffer(byte[] bytes) {
        return HEAP.heapBuffer(bytes.length).writeBytes(bytes);
    }

    /**
     * Writes {@code input} into {@code channel} in the reads {@link #chunks} makes of it, stopping once a handler
     * closed the channel (at the byte it refused), then rethrows what the pipeline threw.
     */
    public static void writeUntilClosed(EmbeddedChannel channel, byte[] input, long seed) {
        for (byte[] chunk : chunks(input, seed)) {
            if (!channel.isOpen()) {
                break;
            }
            channel.writeInbound(Unpooled.wrappedBuffer(chunk));
        }
        channel.checkException();
    }

    /** {@code input} cut at random places chosen by {@code seed}: whole, byte by byte, or in between. */
    public static List<byte[]> chunks(byte[] input, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int mode = r.nextInt(4);
        if (mode == 1 && input.length > 2048) {
            mode = 2; // byte by byte only for short inputs: a read per byte of a long one is all harness
        }
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int size = switch (mode) {
                case 0 -> input.length;
                case 1 -> 1;
                case 2 -> 1 + r.nextInt(16);
                default -> 1 + r.nextInt(Math.max(1, input.length));
            };
            int end = Math.min(input.length, at + size);
            out.add(Arrays.copyOfRange(input, at, end));
            at = end;
        }
        return out;
    }
}
