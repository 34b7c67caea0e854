package org.opencloud.discovery.p2p.security.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the libp2p Noise XX handshake on one connection, then replaces itself with a
 * {@link NoiseTransportCodec} named {@link #TRANSPORT_CODEC_NAME}.
 *
 * <p>Install it, under {@link #NAME}, where the raw (or pnet-decrypted) byte stream arrives, with a
 * promise of the channel's event loop ({@code channel.eventLoop().newPromise()}). The initiator
 * sends message 1 as soon as the channel is active. On success the codec is installed, then the
 * promise completes with the {@link NoiseSession}; its listeners run on the event loop before any
 * post-handshake byte is delivered, so a listener should add the next handler (the muxer) at once:
 * bytes that arrived with the last handshake message (go and js pipeline yamux frames behind
 * message 3) are decrypted and passed on right after. Nothing above this handler may write until
 * the promise has succeeded.
 *
 * <p>On any failure, including the timeout, the promise fails with a {@link Libp2pException} whose
 * message starts {@code "noise handshake failed: "} and the channel is closed.
 */
public final class NoiseHandshakeHandler extends ByteToMessageDecoder {
    public static final String NAME = "noise-handshake";
    public static final String TRANSPORT_CODEC_NAME = "noise-transport";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MESSAGE_1_LENGTH = NoiseHandshakeState.KEY_LENGTH;
    private static final Logger log = LoggerFactory.getLogger(NoiseHandshakeHandler.class);

    private final PrivateKey identity;
    private final PeerId expectedRemote;
    private final List<String> ourMuxers;
    private final Promise<NoiseSession> result;
    private final Duration timeout;
    private NoiseHandshakeState handshake;
    private ScheduledFuture<?> timeoutTask;
    private boolean started;
    private boolean finished;

    /**
     * @param identity       our identity key, which signs the per-connection Noise static key
     * @param initiator      true on the dialling side
     * @param expectedRemote for an initiator, the peer id dialled ({@code /p2p/...}); null to accept any
     * @param ourMuxers      muxers offered for early negotiation, e.g. {@code ["/yamux/1.0.0"]}
     * @param result         completed with the session, or failed with a {@link Libp2pException}
     */
    public NoiseHandshakeHandler(PrivateKey identity, boolean initiator, PeerId expectedRemote,
                                 List<String> ourMuxers, Promise<NoiseSession> result) {
        this(identity, initiator, expectedRemote, ourMuxers, result, DEFAULT_TIMEOUT);
    }

    /** As the other constructor, failing the handshake if it has not completed within {@code timeout}. */
    public NoiseHandshakeHandler(PrivateKey identity, boolean initiator, PeerId expectedRemote,
                                 List<String> ourMuxers, Promise<NoiseSession> result, Duration timeout) {
        this.identity = identity;
        this.expectedRemote = expectedRemote;
        this.ourMuxers = List.copyOf(ourMuxers);
        this.result = result;
        this.timeout = timeout;
        this.handshake = new NoiseHandshakeState(initiator);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeoutTask = ctx.executor().schedule(
                () -> fail(ctx, "timed out after " + timeout.toMillis() + " ms", null),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (started || finished) {
            return;
        }
        started = true;
        if (handshake.isInitiator()) {
            send(ctx, handshake.writeMessage(new byte[0]));
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (finished) {
            // Only reached after a failure: whatever else the peer sent is of no use.
            in.skipBytes(in.readableBytes());
            return;
        }
        int length;
        while (!finished && (length = NoiseTransportCodec.completeFrameLength(in)) >= 0) {
            byte[] message = new byte[length];
            in.skipBytes(2).readBytes(message);
            int number = handshake.nextMessageNumber();
            try {
                onMessage(ctx, number, message);
            } catch (RuntimeException e) {
                // Discard before fail(): closing may release this buffer.
                in.skipBytes(in.readableBytes());
                fail(ctx, e.getMessage() + " (message " + number + ")", e);
            }
        }
    }

    private void onMessage(ChannelHandlerContext ctx, int number, byte[] message) {
        if (handshake.isMyTurn()) {
            throw new Libp2pException("unexpected frame while waiting to send");
        }
        if (number == 1 && message.length != MESSAGE_1_LENGTH) {
            throw new Libp2pException("message 1 must be " + MESSAGE_1_LENGTH + " bytes, got " + message.length);
        }
        byte[] payload = handshake.readMessage(message);
        NoisePayload remote = null;
        if (number > 1) {
            remote = NoisePayload.verify(payload, handshake.remoteStaticPublicKey());
            if (handshake.isInitiator() && expectedRemote != null && !expectedRemote.equals(remote.peerId())) {
                throw new Libp2pException("peer id mismatch: expected " + expectedRemote + ", got " + remote.peerId());
            }
        }
        if (handshake.isMyTurn()) {
            send(ctx, handshake.writeMessage(NoisePayload.encode(identity, handshake.localStaticPublicKey(), ourMuxers)));
        }
        if (handshake.isComplete()) {
            succeed(ctx, remote);
        }
    }

    private void send(ChannelHandlerContext ctx, byte[] message) {
        if (message.length > NoiseTransportCodec.MAX_FRAME_LENGTH) {
            throw new Libp2pException("our handshake message is too long: " + message.length + " bytes");
        }
        int number = handshake.nextMessageNumber() - 1;
        ByteBuf frame = ctx.alloc().buffer(2 + message.length).writeShort(message.length).writeBytes(message);
        ctx.writeAndFlush(frame).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                fail(ctx, "cannot send message " + number + ": " + future.cause(), future.cause());
            }
        });
    }

    private void succeed(ChannelHandlerContext ctx, NoisePayload remote) {
        finished = true;
        timeoutTask.cancel(false);
        NoiseHandshakeState.TransportKeys keys = handshake.split();
        handshake = null;
        NoiseSession session = new NoiseSession(identity.peerId(), remote.peerId(), remote.identityKey(), remote.muxers());
        log.debug("noise handshake with {} at {} done", session.remotePeerId(), ctx.channel().remoteAddress());
        // Bytes still in our buffer reach the codec when ByteToMessageDecoder forwards them on removal,
        // which happens after decode() returns, hence after the promise listeners have run.
        ctx.pipeline().replace(this, TRANSPORT_CODEC_NAME, new NoiseTransportCodec(keys.sender(), keys.receiver()));
        result.trySuccess(session);
    }

    private void fail(ChannelHandlerContext ctx, String reason, Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        handshake = null;
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
        }
        Libp2pException failure = new Libp2pException("noise handshake failed: " + reason, cause);
        log.warn("noise handshake with {} failed: {}", ctx.channel().remoteAddress(), reason);
        result.tryFailure(failure);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!finished) {
            fail(ctx, "connection closed before message " + handshake.nextMessageNumber(), null);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (finished) {
            ctx.fireExceptionCaught(cause);
        } else {
            fail(ctx, String.valueOf(cause), cause);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        fail(ctx, "handler removed before completion", null);
    }
}
