package org.opencloud.discovery.p2p.security.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.PromiseNotifier;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The secured connection after a Noise handshake: {@code u16 big-endian length ‖ ciphertext}
 * frames, each ChaCha20-Poly1305 with an empty AD and its own per-direction nonce.
 *
 * <p>Inbound, each frame's bytes are gathered as they arrive into an array of this codec (no
 * cumulation buffer), then decrypted straight into a new pooled heap {@link ByteBuf} that the next
 * handler owns; frame boundaries carry no meaning upstream. A frame that fails to authenticate
 * closes the connection. Outbound, plaintext {@link ByteBuf}s are queued until {@code flush()},
 * then copied together into frames of at most 65519 plaintext bytes (so a 12-byte yamux header and
 * its payload become one frame), each encrypted in place in an array of the event loop's thread and
 * written as one pooled buffer; the channel writes a flush's frames with one writev. Other message types are
 * refused: nothing may pass unencrypted.
 */
public final class NoiseTransportCodec extends ChannelDuplexHandler {
    static final int MAX_FRAME_LENGTH = 0xFFFF;
    static final int MAX_PLAINTEXT_LENGTH = MAX_FRAME_LENGTH - CipherState.TAG_LENGTH;
    private static final int LENGTH_PREFIX = 2;
    private static final Logger log = LoggerFactory.getLogger(NoiseTransportCodec.class);
    /** Where outbound frames are assembled and encrypted: used only inside flush(), so one per thread. */
    private static final FastThreadLocal<byte[]> OUTBOUND_FRAME = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[LENGTH_PREFIX + MAX_FRAME_LENGTH];
        }
    };

    private final CipherState sender;
    private final CipherState receiver;
    /** The inbound frame being gathered: its length once both prefix bytes are in, else -1. */
    private int inboundLength = -1;
    /** The first prefix byte, while the second has not arrived; else -1. */
    private int inboundPrefixHigh = -1;
    private int inboundFilled;
    /** Grown to the largest frame seen, so a connection of small messages keeps a small array. */
    private byte[] inboundFrame = new byte[0];
    private final ArrayDeque<PendingWrite> unflushed = new ArrayDeque<>();
    private boolean broken;

    private record PendingWrite(ByteBuf data, ChannelPromise promise) {
    }

    NoiseTransportCodec(CipherState sender, CipherState receiver) {
        this.sender = sender;
        this.receiver = receiver;
    }

    /** The length of the first frame in {@code in} if all of it has arrived, else -1. */
    static int completeFrameLength(ByteBuf in) {
        if (in.readableBytes() < LENGTH_PREFIX) {
            return -1;
        }
        int length = in.getUnsignedShort(in.readerIndex());
        return in.readableBytes() >= LENGTH_PREFIX + length ? length : -1;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBuffers(new ClosedChannelException());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseBuffers(new ClosedChannelException());
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            while (!broken && in.isReadable() && !ctx.isRemoved()) {
                gather(in);
                if (inboundLength >= 0 && inboundFilled == inboundLength) {
                    decryptFrame(ctx);
                }
            }
        } catch (Libp2pException e) {
            broken = true;
            log.warn("closing noise connection to {}: {}", ctx.channel().remoteAddress(), e.getMessage());
            ctx.close();
        } finally {
            in.release();
        }
    }

    /** Moves bytes of {@code in} into the frame being gathered: the length prefix first, then the ciphertext. */
    private void gather(ByteBuf in) {
        if (inboundLength < 0) {
            int b = in.readUnsignedByte();
            if (inboundPrefixHigh < 0) {
                inboundPrefixHigh = b;
                return;
            }
            inboundLength = inboundPrefixHigh << 8 | b;
            inboundPrefixHigh = -1;
            inboundFilled = 0;
            if (inboundLength < CipherState.TAG_LENGTH) {
                throw new Libp2pException("transport frame of " + inboundLength + " bytes is shorter than the AEAD tag");
            }
            if (inboundFrame.length < inboundLength) {
                inboundFrame = new byte[Math.max(inboundLength, Math.min(2 * inboundFrame.length, MAX_FRAME_LENGTH))];
            }
        }
        int take = Math.min(in.readableBytes(), inboundLength - inboundFilled);
        in.readBytes(inboundFrame, inboundFilled, take);
        inboundFilled += take;
    }

    private void decryptFrame(ChannelHandlerContext ctx) {
        int plaintextLength = inboundLength - CipherState.TAG_LENGTH;
        int frameLength = inboundLength;
        inboundLength = -1;
        if (plaintextLength == 0) {
            receiver.decrypt(inboundFrame, frameLength, new byte[0], 0);
            return;
        }
        ByteBuf plaintext = ctx.alloc().heapBuffer(plaintextLength);
        try {
            receiver.decrypt(inboundFrame, frameLength, plaintext.array(), plaintext.arrayOffset() + plaintext.writerIndex());
        } catch (RuntimeException e) {
            plaintext.release();
            throw e;
        }
        ctx.fireChannelRead(plaintext.writerIndex(plaintextLength));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            unflushed.add(new PendingWrite(buf, promise));
        } else {
            ReferenceCountUtil.release(msg);
            promise.setFailure(new UnsupportedMessageTypeException(msg, ByteBuf.class));
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        byte[] frameBytes = OUTBOUND_FRAME.get();
        List<ChannelPromise> completed = new ArrayList<>(0);
        while (!unflushed.isEmpty()) {
            completed.clear();
            int length = fillFrame(frameBytes, completed);
            if (length == 0) { // only empty buffers were queued: nothing to send for them
                completed.forEach(ChannelPromise::trySuccess);
                continue;
            }
            int frameLength = length + CipherState.TAG_LENGTH;
            ByteBuf frame;
            try {
                sender.encryptInPlace(frameBytes, LENGTH_PREFIX, length);
                frame = ctx.alloc().buffer(LENGTH_PREFIX + frameLength);
            } catch (RuntimeException e) {
                log.warn("closing noise connection to {}: {}", ctx.channel().remoteAddress(), e.getMessage());
                completed.forEach(p -> p.tryFailure(e));
                ctx.close();
                return;
            }
            frameBytes[0] = (byte) (frameLength >>> 8);
            frameBytes[1] = (byte) frameLength;
            ctx.write(frame.writeBytes(frameBytes, 0, LENGTH_PREFIX + frameLength), promiseFor(ctx, completed));
        }
        ctx.flush();
    }

    /**
     * Copies up to {@link #MAX_PLAINTEXT_LENGTH} queued bytes into {@code frameBytes} after the length
     * prefix, releasing the buffers used up and collecting their promises; returns the byte count.
     */
    private int fillFrame(byte[] frameBytes, List<ChannelPromise> completed) {
        int length = 0;
        PendingWrite next;
        while (length < MAX_PLAINTEXT_LENGTH && (next = unflushed.peek()) != null) {
            ByteBuf data = next.data();
            int take = Math.min(data.readableBytes(), MAX_PLAINTEXT_LENGTH - length);
            data.readBytes(frameBytes, LENGTH_PREFIX + length, take);
            length += take;
            if (!data.isReadable()) {
                unflushed.poll();
                data.release();
                if (!next.promise().isVoid()) {
                    completed.add(next.promise());
                }
            }
        }
        return length;
    }

    /** The promise to write a frame with: those of the writes it completes, which are done once it is written. */
    private static ChannelPromise promiseFor(ChannelHandlerContext ctx, List<ChannelPromise> completed) {
        if (completed.isEmpty()) {
            return ctx.voidPromise();
        }
        if (completed.size() == 1) {
            return completed.get(0);
        }
        ChannelPromise frameWritten = ctx.newPromise();
        frameWritten.addListener(new PromiseNotifier<>(completed.toArray(ChannelPromise[]::new)));
        return frameWritten;
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        releaseBuffers(new ClosedChannelException());
        ctx.close(promise);
    }

    private void releaseBuffers(Throwable cause) {
        PendingWrite pending;
        while ((pending = unflushed.poll()) != null) {
            pending.data().release();
            pending.promise().tryFailure(cause);
        }
    }
}
