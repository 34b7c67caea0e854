package org.opencloud.discovery.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link MultistreamNegotiation} on a channel, then removes itself.
 *
 * <p>Sends the negotiation's first bytes when the channel becomes active (or at once when added to
 * an active channel). On success it completes {@code selected} with the protocol id, then removes
 * itself; bytes that arrived after the selecting message (go and js pipeline Noise message 1 behind
 * the proposal) are passed on as a {@code channelRead} to the handler that follows it at that
 * moment. So a listener of {@code selected} that runs on the event loop at completion (true for a
 * promise made by {@code channel.newPromise()} or {@code eventLoop.newPromise()}) can add the
 * selected protocol's handler after this one, and that handler gets the leftover bytes.
 *
 * <p>On a protocol violation, a timeout or an early close it fails {@code selected}, logs a warning
 * and closes the channel. Not sharable: one instance per negotiation.
 */
public final class MultistreamHandler extends ByteToMessageDecoder {
    /** Default limit for the whole negotiation. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(MultistreamHandler.class);

    private final MultistreamNegotiation negotiation;
    private final Promise<String> selected;
    private final Duration timeout;
    private final boolean pnetActive;
    private boolean started;
    private ScheduledFuture<?> timeoutTask;

    /** A handler with the {@linkplain #DEFAULT_TIMEOUT default timeout} and no private network. */
    public MultistreamHandler(MultistreamNegotiation negotiation, Promise<String> selected) {
        this(negotiation, selected, DEFAULT_TIMEOUT, false);
    }

    /**
     * @param negotiation a negotiation not yet started
     * @param selected completed with the agreed protocol id, or failed with a {@link Libp2pException}
     * @param timeout how long the whole negotiation may take
     * @param pnetActive true when the connection runs under a private-network key; an invalid first
     *        message is then reported as a likely PSK mismatch, since pnet itself cannot detect one
     */
    public MultistreamHandler(MultistreamNegotiation negotiation, Promise<String> selected, Duration timeout,
            boolean pnetActive) {
        this.negotiation = Objects.requireNonNull(negotiation, "negotiation");
        this.selected = Objects.requireNonNull(selected, "selected");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.pnetActive = pnetActive;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
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
        if (started) {
            return;
        }
        started = true;
        timeoutTask = ctx.executor().schedule(
                () -> fail(ctx, new Libp2pException("multistream negotiation timed out after " + timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        send(ctx, negotiation.start(ctx.alloc()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (selected.isDone()) {
            // Failed (completion removes us): drop whatever still arrives before the close lands.
            in.skipBytes(in.readableBytes());
            return;
        }
        MultistreamNegotiation.Step step;
        try {
            step = negotiation.onRead(in, ctx.alloc());
        } catch (Libp2pException e) {
            in.skipBytes(in.readableBytes());
            fail(ctx, describe(e));
            return;
        }
        if (step.output() != null) {
            send(ctx, step.output());
        }
        if (step.isDone()) {
            cancelTimeout();
            LOG.debug("{} multistream selected {}", ctx.channel(), step.selectedProtocol());
            if (!selected.trySuccess(step.selectedProtocol())) {
                // The caller cancelled the promise: nobody will take over the connection.
                ctx.close();
                return;
            }
            // Bytes still in the cumulation reach the next handler when ByteToMessageDecoder handles removal.
            ctx.pipeline().remove(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        Libp2pException closed = new Libp2pException("connection closed during multistream negotiation");
        if (selected.tryFailure(underPnetBeforeHeader() ? pskMismatchLikely(closed) : closed)) {
            LOG.warn("{} closed during multistream negotiation{}", ctx.channel(),
                    underPnetBeforeHeader() ? " before a valid first message: PSK mismatch likely" : "");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (selected.isDone()) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        Libp2pException error = new Libp2pException("multistream negotiation failed: " + cause.getMessage(), cause);
        // a peer with another key drops the connection (often a TCP reset) after reading our first bytes
        fail(ctx, underPnetBeforeHeader() ? pskMismatchLikely(error) : error);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    private void send(ChannelHandlerContext ctx, ByteBuf bytes) {
        ctx.writeAndFlush(bytes).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                fail(ctx, new Libp2pException("multistream write failed: " + future.cause().getMessage(),
                        future.cause()));
            }
        });
    }

    /** Under pnet a wrong key turns the peer's first message into noise; say so, since nothing else will. */
    private Libp2pException describe(Libp2pException e) {
        if (underPnetBeforeHeader()) {
            return new Libp2pException("first multistream message invalid under pnet: PSK mismatch likely ("
                    + e.getMessage() + ")", e);
        }
        return e;
    }

    private boolean underPnetBeforeHeader() {
        return pnetActive && !negotiation.isHeaderReceived();
    }

    private static Libp2pException pskMismatchLikely(Libp2pException e) {
        return new Libp2pException(e.getMessage() + " before a valid first message under pnet: PSK mismatch likely", e);
    }

    private void fail(ChannelHandlerContext ctx, Libp2pException error) {
        cancelTimeout();
        if (selected.tryFailure(error)) {
            LOG.warn("{} multistream negotiation failed, closing: {}", ctx.channel(), error.getMessage());
            ctx.close();
        }
    }

    private void cancelTimeout() {
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
            timeoutTask = null;
        }
    }
}
