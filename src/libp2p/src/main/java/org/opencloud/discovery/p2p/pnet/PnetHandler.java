package org.opencloud.discovery.p2p.pnet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.ClosedChannelException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The private-network layer (PSK v1): the first handler on a raw TCP connection, in both roles.
 * <p>
 * As soon as the channel is active it writes and flushes its random 24-byte nonce in clear (js peers give up
 * after 1 s without it), then XORs every outbound byte with the XSalsa20 keystream for (PSK, own nonce). The
 * first 24 inbound bytes are the peer's nonce; every later inbound byte is XORed with the keystream for
 * (PSK, peer's nonce). Both keystreams start at byte 0 and run on across reads and writes of any size.
 * <p>
 * Outbound messages must be {@link ByteBuf}s (anything else would leave the connection in clear). Writes made
 * before the nonce is sent are held and go out right after it. Buffers are XORed in place when this handler
 * is their only owner (refCnt 1, not derived, not read-only, not composite, and for outbound writes direct,
 * since a heap buffer may wrap a caller's array); otherwise into a new buffer and the original is released.
 * <p>
 * All methods run on the channel's event loop. A wrong PSK is not detected here: see the package docs.
 */
public final class PnetHandler extends ChannelDuplexHandler {
    public static final int NONCE_BYTES = 24;

    private static final Logger LOG = LoggerFactory.getLogger(PnetHandler.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] psk;
    private final byte[] localNonce = new byte[NONCE_BYTES];
    private final XSalsa20 outboundCipher;
    private final byte[] remoteNonce = new byte[NONCE_BYTES];
    private int remoteNonceBytes;
    private XSalsa20 inboundCipher;
    private boolean nonceSent;
    private final Queue<PendingWrite> writesBeforeNonce = new ArrayDeque<>();

    private record PendingWrite(ByteBuf data, ChannelPromise promise) {
    }

    public PnetHandler(SwarmKey key) {
        this.psk = key.keyBytes();
        RANDOM.nextBytes(localNonce);
        outboundCipher = new XSalsa20(psk, localNonce);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            sendNonce(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sendNonce(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        failWritesBeforeNonce(new ClosedChannelException());
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        failWritesBeforeNonce(new Libp2pException("pnet handler removed before the nonce was sent"));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf data)) {
            ReferenceCountUtil.release(msg);
            promise.setFailure(new Libp2pException("pnet can only encrypt ByteBuf writes, got "
                    + msg.getClass().getName()));
            return;
        }
        if (!nonceSent) {
            writesBeforeNonce.add(new PendingWrite(data, promise));
            return;
        }
        writeEncrypted(ctx, data, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        // Before the nonce there is nothing to flush: sendNonce flushes the held writes with it.
        if (nonceSent) {
            ctx.flush();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (inboundCipher == null) {
            int take = Math.min(NONCE_BYTES - remoteNonceBytes, data.readableBytes());
            data.readBytes(remoteNonce, remoteNonceBytes, take);
            remoteNonceBytes += take;
            if (remoteNonceBytes == NONCE_BYTES) {
                inboundCipher = new XSalsa20(psk, remoteNonce);
                LOG.debug("{} pnet: received the peer's nonce", ctx.channel());
            }
            if (!data.isReadable()) {
                data.release();
                return;
            }
        }
        ctx.fireChannelRead(xor(ctx.alloc(), inboundCipher, data, true));
    }

    private void sendNonce(ChannelHandlerContext ctx) {
        if (nonceSent) {
            return;
        }
        nonceSent = true;
        ctx.write(Unpooled.wrappedBuffer(localNonce.clone()));
        PendingWrite pending;
        while ((pending = writesBeforeNonce.poll()) != null) {
            writeEncrypted(ctx, pending.data(), pending.promise());
        }
        ctx.flush();
        LOG.debug("{} pnet: sent nonce", ctx.channel());
    }

    private void writeEncrypted(ChannelHandlerContext ctx, ByteBuf data, ChannelPromise promise) {
        ByteBuf encrypted;
        try {
            encrypted = xor(ctx.alloc(), outboundCipher, data, false);
        } catch (RuntimeException e) {
            promise.setFailure(e);
            return;
        }
        ctx.write(encrypted, promise);
    }

    private void failWritesBeforeNonce(Throwable cause) {
        PendingWrite pending;
        while ((pending = writesBeforeNonce.poll()) != null) {
            pending.data().release();
            pending.promise().tryFailure(cause);
        }
    }

    /**
     * XORs the readable bytes of {@code data} with the next bytes of {@code cipher}'s keystream. Takes ownership
     * of {@code data}: returns it (XORed in place) or a new buffer, releasing {@code data}.
     */
    private ByteBuf xor(ByteBufAllocator alloc, XSalsa20 cipher, ByteBuf data, boolean inbound) {
        int length = data.readableBytes();
        ByteBuf target;
        if (ownedAlone(data, inbound)) {
            target = data;
        } else {
            try {
                target = alloc.buffer(length);
            } catch (RuntimeException e) {
                data.release();
                throw e;
            }
            target.writerIndex(length);
        }
        try {
            // target is never composite, so its one NIO view writes through; a composite data is merged
            cipher.xor(data.nioBuffer(data.readerIndex(), length), target.nioBuffer(target.readerIndex(), length));
        } catch (RuntimeException e) {
            if (target != data) {
                target.release();
            }
            data.release();
            throw e;
        }
        if (target != data) {
            data.release();
        }
        return target;
    }

    private static boolean ownedAlone(ByteBuf data, boolean inbound) {
        return data.refCnt() == 1 && data.unwrap() == null && !data.isReadOnly()
                && !(data instanceof CompositeByteBuf) && (inbound || data.isDirect());
    }
}
