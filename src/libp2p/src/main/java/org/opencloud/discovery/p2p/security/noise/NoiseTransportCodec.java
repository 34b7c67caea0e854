package org.opencloud.discovery.p2p.security.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CoalescingBufferQueue;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.util.ReferenceCountUtil;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.ClosedChannelException;

/**
 * The secured connection after a Noise handshake: {@code u16 big-endian length ‖ ciphertext}
 * frames, each ChaCha20-Poly1305 with an empty AD and its own per-direction nonce.
 *
 * <p>Inbound, complete frames are decrypted and each plaintext is passed on as a new
 * {@link ByteBuf} that the next handler owns; frame boundaries carry no meaning upstream. A frame
 * that fails to authenticate closes the connection. Outbound, plaintext {@link ByteBuf}s are
 * queued until {@code flush()}, then encrypted together in frames of at most 65519 plaintext
 * bytes, so a 12-byte yamux header and its payload become one frame. Other message types are
 * refused: nothing may pass unencrypted.
 */
public final class NoiseTransportCodec extends ChannelDuplexHandler {
    static final int MAX_FRAME_LENGTH = 0xFFFF;
    static final int MAX_PLAINTEXT_LENGTH = MAX_FRAME_LENGTH - CipherState.TAG_LENGTH;
    private static final int LENGTH_PREFIX = 2;
    private static final Logger log = LoggerFactory.getLogger(NoiseTransportCodec.class);

    private final CipherState sender;
    private final CipherState receiver;
    private ByteBuf cumulation;
    private CoalescingBufferQueue unflushed;
    private boolean broken;

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
    public void handlerAdded(ChannelHandlerContext ctx) {
        unflushed = new CoalescingBufferQueue(ctx.channel(), 4);
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
        if (broken) {
            in.release();
            return;
        }
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        try {
            decryptFrames(ctx);
        } catch (Libp2pException e) {
            broken = true;
            log.warn("closing noise connection to {}: {}", ctx.channel().remoteAddress(), e.getMessage());
            ctx.close();
        } finally {
            if (cumulation != null && (broken || !cumulation.isReadable())) {
                cumulation.release();
                cumulation = null;
            } else if (cumulation != null) {
                // Keep only the partial frame, or the buffer would grow with every read.
                cumulation.discardSomeReadBytes();
            }
        }
    }

    private void decryptFrames(ChannelHandlerContext ctx) {
        int length;
        while (cumulation != null && (length = completeFrameLength(cumulation)) >= 0 && !ctx.isRemoved()) {
            if (length < CipherState.TAG_LENGTH) {
                throw new Libp2pException("transport frame of " + length + " bytes is shorter than the AEAD tag");
            }
            int plaintextLength = length - CipherState.TAG_LENGTH;
            ByteBuf plaintext = ctx.alloc().buffer(plaintextLength);
            try {
                receiver.decrypt(cumulation.nioBuffer(cumulation.readerIndex() + LENGTH_PREFIX, length),
                        plaintext.nioBuffer(0, plaintextLength));
            } catch (RuntimeException e) {
                plaintext.release();
                throw e;
            }
            plaintext.writerIndex(plaintextLength);
            cumulation.skipBytes(LENGTH_PREFIX + length);
            if (plaintextLength == 0) {
                plaintext.release();
            } else {
                ctx.fireChannelRead(plaintext);
            }
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            unflushed.add(buf, promise);
        } else {
            ReferenceCountUtil.release(msg);
            promise.setFailure(new UnsupportedMessageTypeException(msg, ByteBuf.class));
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        while (!unflushed.isEmpty()) {
            // One frame per buffer: a frame fits the allocator's pooled sizes, where a batch of frames would
            // be a fresh unpooled allocation on every flush; the channel still writes them with one writev.
            int batchLength = Math.min(unflushed.readableBytes(), MAX_PLAINTEXT_LENGTH);
            ChannelPromise promise = ctx.newPromise();
            ByteBuf plaintext = unflushed.remove(ctx.alloc(), batchLength, promise);
            ByteBuf frame;
            try {
                frame = encryptFrame(ctx, plaintext);
            } catch (RuntimeException e) {
                log.warn("closing noise connection to {}: {}", ctx.channel().remoteAddress(), e.getMessage());
                promise.setFailure(e);
                ctx.close();
                return;
            } finally {
                plaintext.release();
            }
            ctx.write(frame, promise);
        }
        ctx.flush();
    }

    /** One frame: {@code plaintext} (at most {@link #MAX_PLAINTEXT_LENGTH} bytes) encrypted behind its length. */
    private ByteBuf encryptFrame(ChannelHandlerContext ctx, ByteBuf plaintext) {
        int length = plaintext.readableBytes();
        int frameLength = length + CipherState.TAG_LENGTH;
        ByteBuf out = ctx.alloc().buffer(LENGTH_PREFIX + frameLength);
        try {
            out.writeShort(frameLength);
            sender.encrypt(plaintext.nioBuffers(plaintext.readerIndex(), length), out.nioBuffer(LENGTH_PREFIX, frameLength));
            return out.writerIndex(LENGTH_PREFIX + frameLength);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        releaseBuffers(new ClosedChannelException());
        ctx.close(promise);
    }

    private void releaseBuffers(Throwable cause) {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (unflushed != null) {
            unflushed.releaseAndFailAll(cause);
        }
    }
}
