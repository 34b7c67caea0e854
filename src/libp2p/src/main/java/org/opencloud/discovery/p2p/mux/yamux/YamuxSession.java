package org.opencloud.discovery.p2p.mux.yamux;

import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.FLAG_ACK;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.FLAG_FIN;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.FLAG_RST;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.FLAG_SYN;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.TYPE_DATA;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.TYPE_GO_AWAY;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.TYPE_PING;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.TYPE_WINDOW_UPDATE;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseNotifier;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.rcmgr.ConnectionScope;
import org.opencloud.discovery.p2p.rcmgr.Direction;
import org.opencloud.discovery.p2p.rcmgr.StreamScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A yamux session over one secured connection: installed above a handler that delivers and accepts
 * plaintext {@link ByteBuf}s (see {@link #addTo}). The TCP dialer is the client and opens odd stream
 * ids, the listener opens even ones.
 *
 * <p>Threading: state lives on the channel's event loop; public methods may be called from any
 * thread. Inbound streams are handed to {@code onInboundStream} on the event loop, already
 * acknowledged; set a listener there (data arriving earlier is held for it).
 *
 * <p>Resources: every stream, inbound or outbound, is opened in the connection's {@link ConnectionScope}
 * with its initial receive window reserved; a refused inbound stream is reset before anything of it is
 * read, a refused outbound one fails to open. Further credit is reserved before it is granted.
 *
 * <p>Writes are batched: frames produced while handling a read are flushed once at
 * {@code channelReadComplete}, other operations flush once per call.
 */
public final class YamuxSession extends ChannelDuplexHandler {

    public static final String DECODER_NAME = "yamux-decoder";
    public static final String SESSION_NAME = "yamux-session";

    private static final Logger log = LoggerFactory.getLogger(YamuxSession.class);
    /** RTT assumed before the first pong, and the floor of measured ones (see {@link #rttNanosForWindow}). */
    private static final long MIN_RTT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final boolean client;
    private final YamuxConfig config;
    private final ConnectionScope scope;
    private final Consumer<MuxedStream> onInboundStream;
    private final Set<YamuxStream> stalled = new LinkedHashSet<>();
    private final YamuxPing ping;
    private final IntObjectHashMap<YamuxStream> streams = new IntObjectHashMap<>();
    private final int extraInitialWindow;
    private ChannelHandlerContext ctx;
    private YamuxOutbound outbound;
    private Future<Void> succeeded;
    private int nextStreamId;
    private int unackedOutboundStreams;
    private final ArrayDeque<Promise<MuxedStream>> waitingOpens = new ArrayDeque<>();
    private boolean started;
    private boolean remoteGoingAway;
    private boolean localGoingAway;
    private boolean closed;
    private boolean failed;
    private Libp2pException closeCause;

    public YamuxSession(boolean client, YamuxConfig config, ConnectionScope scope,
                        Consumer<MuxedStream> onInboundStream) {
        this.client = client;
        this.config = config;
        this.scope = scope;
        this.onInboundStream = onInboundStream;
        this.ping = new YamuxPing(this, config);
        this.nextStreamId = client ? 1 : 2;
        this.extraInitialWindow = config.initialWindowSize() - YamuxConfig.SPEC_INITIAL_WINDOW;
    }

    /** Adds the frame decoder and this session at the end of {@code pipeline}. */
    public void addTo(ChannelPipeline pipeline) {
        pipeline.addLast(DECODER_NAME, new YamuxFrameCodec(config.maxWindowSize()));
        pipeline.addLast(SESSION_NAME, this);
    }

    /** Opens an outbound stream (Window Update + SYN); fails if the session closes or goes away. */
    public Future<MuxedStream> openStream() {
        EventExecutor loop = ctx != null ? ctx.executor() : null;
        if (loop == null) {
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(new Libp2pException("yamux session not installed"));
        }
        return callOnLoop(loop, () -> {
            if (closed || localGoingAway || remoteGoingAway) {
                return loop.newFailedFuture(new Libp2pException("yamux session " + this + " is closing"));
            }
            if (nextStreamId < 0) {
                return loop.newFailedFuture(new Libp2pException("yamux session " + this + ": stream ids exhausted"));
            }
            Promise<MuxedStream> opened = loop.newPromise();
            // as go-yamux does for ACKs: wait instead of failing under a burst
            waitingOpens.add(opened);
            openWaitingStreams();
            return opened;
        });
    }

    private void startOutboundStream(Promise<MuxedStream> opened, StreamScope streamScope) {
        YamuxStream stream = new YamuxStream(this, nextStreamId, true, config, streamScope);
        nextStreamId += 2;
        streams.put(stream.id(), stream);
        unackedOutboundStreams++;
        outbound.writeStreamControl(stream.id(), FLAG_SYN, extraInitialWindow);
        outbound.flushIfIdle();
        opened.setSuccess(stream);
    }

    /** A new stream's scope with its initial window reserved, or null if a limit refused either. */
    private StreamScope streamScope(Direction direction) {
        StreamScope streamScope = scope.openStream(direction);
        if (streamScope != null && !streamScope.reserveMemory(config.initialWindowSize())) {
            streamScope.done();
            return null;
        }
        return streamScope;
    }

    /**
     * Opens the streams that wait for ACKs or for resources, as far as the limits allow again. While the
     * resource manager refuses, they wait for one of this session's streams to close, or fail if none is
     * open: our own bursts slow down rather than fail.
     */
    private void openWaitingStreams() {
        while (!waitingOpens.isEmpty() && unackedOutboundStreams < config.maxUnackedOutboundStreams()
                && !closed && !localGoingAway && !remoteGoingAway) {
            Promise<MuxedStream> opened = waitingOpens.peek();
            if (opened.isDone()) {
                waitingOpens.poll();
                continue;
            }
            if (nextStreamId < 0) {
                failWaitingOpens(new Libp2pException("yamux session " + this + ": stream ids exhausted"));
                return;
            }
            StreamScope streamScope = streamScope(Direction.OUTBOUND);
            if (streamScope == null) {
                if (streams.isEmpty()) {
                    failWaitingOpens(new Libp2pException("yamux session " + this
                            + ": the resource manager refused a new stream"));
                }
                return;
            }
            waitingOpens.poll();
            startOutboundStream(opened, streamScope);
        }
    }

    private void failWaitingOpens(Libp2pException cause) {
        Promise<MuxedStream> opened;
        while ((opened = waitingOpens.poll()) != null) {
            opened.tryFailure(cause);
        }
    }

    /** Measures the round trip with a yamux ping, in nanoseconds; shares an outstanding ping. */
    public Future<Long> ping() {
        if (ctx == null) {
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(new Libp2pException("yamux session not installed"));
        }
        return callOnLoop(ctx.executor(), () -> closed
                ? ctx.executor().newFailedFuture(closeCause)
                : ping.ping(ctx.executor()));
    }

    /** Sends Go Away (normal) and closes the connection; the future completes once it is closed. */
    public Future<Void> close() {
        if (ctx == null) {
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(new Libp2pException("yamux session not installed"));
        }
        runOnLoop(ctx.executor(), () -> goAwayAndClose(YamuxFrame.GO_AWAY_NORMAL));
        return ctx.channel().closeFuture();
    }

    /** Completes when the connection is closed. */
    public Future<Void> closeFuture() {
        return ctx.channel().closeFuture();
    }

    public boolean isOpen() {
        return ctx != null && !closed && !localGoingAway && ctx.channel().isActive();
    }

    /** Resets, on the event loop, each stream that moved no data for {@code idle}, and reports it to {@code onReset}. */
    public void resetIdleStreams(Duration idle, Runnable onReset) {
        runOnLoop(ctx.executor(), () -> {
            long now = System.nanoTime();
            for (YamuxStream stream : new ArrayList<>(streams.values())) {
                if (stream.idleNanos(now) > idle.toNanos()) {
                    log.debug("yamux {}: resetting stream {}, no data for {}", this, stream.id(), idle);
                    stream.reset();
                    onReset.run();
                }
            }
        });
    }

    /**
     * Grants, on the event loop, the credit that streams could not reserve earlier, as far as memory was
     * released since: the host calls it periodically, and streams of this session when they release.
     */
    public void retryStalledGrants() {
        runOnLoop(ctx.executor(), () -> {
            for (YamuxStream stream : new ArrayList<>(stalled)) {
                stalled.remove(stream);
                stream.retryGrant();
            }
            outbound.flushIfIdle();
        });
    }

    /** Open streams; read it on the event loop for an exact value. */
    public int streamCount() {
        return streams.size();
    }

    // ---- Netty events ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.outbound = new YamuxOutbound(ctx, config.maxFrameSize());
        this.succeeded = ctx.executor().newSucceededFuture(null);
        this.closeCause = new Libp2pException("yamux connection " + ctx.channel() + " closed");
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (!started) {
            started = true;
            ping.start(ctx.executor());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof YamuxFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        outbound.readStarted();
        try {
            if (closed || failed) {
                log.debug("yamux {}: dropping {} after close", this, frame);
            } else if (!localGoingAway) {
                handleFrame(frame);
            } else if ((frame.type() == TYPE_DATA || frame.type() == TYPE_WINDOW_UPDATE)) {
                handleFrameWhileGoingAway(frame);
            }
        } catch (Libp2pException e) {
            protocolError(e.getMessage());
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        outbound.readComplete();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        outbound.channelWritabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        shutdown();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        shutdown();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (reason instanceof Libp2pException) {
            protocolError(reason.getMessage());
        } else if (!ctx.channel().isActive()) {
            log.debug("yamux {}: error after the connection closed", this, cause);
        } else if (!closed && reason instanceof IOException) {
            // the peer went away (reset, broken pipe): ordinary on a network, no stack trace
            log.info("yamux connection {} lost: {}", ctx.channel(), reason.getMessage());
            closeCause = new Libp2pException("yamux connection " + ctx.channel() + " lost", cause);
            ctx.close();
        } else if (!closed) {
            log.warn("yamux connection {} failed, closing it", ctx.channel(), cause);
            closeCause = new Libp2pException("yamux connection " + ctx.channel() + " failed", cause);
            ctx.close();
        }
    }

    // ---- frame handling ----

    private void handleFrame(YamuxFrame frame) {
        switch (frame.type()) {
            case TYPE_DATA, TYPE_WINDOW_UPDATE -> handleStreamFrame(frame);
            case TYPE_PING -> handlePing(frame);
            case TYPE_GO_AWAY -> handleGoAway(frame);
            default -> log.debug("yamux {}: ignoring {}", this, frame);
        }
    }

    private void handleStreamFrame(YamuxFrame frame) {
        int id = frame.streamId();
        YamuxStream stream = frame.hasFlag(FLAG_SYN) ? acceptInbound(id) : streams.get(id);
        if (stream == null) {
            log.debug("yamux {}: ignoring {} for unknown or closed stream", this, frame);
            return;
        }
        if (frame.hasFlag(FLAG_ACK)) {
            stream.onAck();
        }
        if (frame.type() == TYPE_WINDOW_UPDATE && !frame.hasFlag(FLAG_RST)) {
            stream.onWindowUpdate(frame.unsignedLength());
        } else if (frame.type() == TYPE_DATA && frame.length() > 0) {
            if (!stream.tryReceive(frame.length())) {
                throw new Libp2pException("stream " + id + " received " + frame.unsignedLength()
                        + " bytes beyond its receive window");
            }
            stream.onData(frame.data().retain());
        }
        if (frame.hasFlag(FLAG_FIN)) {
            stream.onRemoteFin();
        }
        if (frame.hasFlag(FLAG_RST)) {
            stream.onRemoteReset();
        }
    }

    /** The new inbound stream, or null if it was refused with RST. */
    private YamuxStream acceptInbound(int id) {
        if (id == 0 || (id % 2 == 1) == client) {
            throw new Libp2pException("SYN for stream " + Integer.toUnsignedString(id)
                    + " with the wrong parity (both endpoints act as " + (client ? "client" : "server") + ")");
        }
        if (streams.containsKey(id)) {
            throw new Libp2pException("duplicate SYN for live stream " + id);
        }
        StreamScope streamScope = streamScope(Direction.INBOUND);
        if (streamScope == null) {
            log.debug("yamux {}: refusing stream {}, a resource limit refused it", this, id);
            outbound.writeStreamControl(id, FLAG_RST, 0);
            return null;
        }
        YamuxStream stream = new YamuxStream(this, id, false, config, streamScope);
        streams.put(id, stream);
        outbound.writeStreamControl(id, FLAG_ACK, extraInitialWindow);
        try {
            onInboundStream.accept(stream);
        } catch (RuntimeException e) {
            log.warn("yamux {}: inbound stream handler failed for stream {}", this, id, e);
            stream.reset();
        }
        return stream;
    }

    /** After our Go Away: new streams are refused, existing ones finish normally. */
    private void handleFrameWhileGoingAway(YamuxFrame frame) {
        if (frame.hasFlag(FLAG_SYN) && !streams.containsKey(frame.streamId())) {
            outbound.writeStreamControl(frame.streamId(), FLAG_RST, 0);
        } else {
            handleStreamFrame(frame);
        }
    }

    private void handlePing(YamuxFrame frame) {
        if (frame.flags() == FLAG_SYN) {
            outbound.writePing(FLAG_ACK, frame.length());
        } else if (frame.flags() == FLAG_ACK) {
            ping.onPong(frame.length());
        } else {
            log.debug("yamux {}: ignoring ping with flags {}", this, frame.flags());
        }
    }

    private void handleGoAway(YamuxFrame frame) {
        remoteGoingAway = true;
        failWaitingOpens(new Libp2pException("yamux session " + this + ": the peer is going away"));
        if (frame.length() == YamuxFrame.GO_AWAY_NORMAL) {
            log.debug("yamux {}: remote is going away", this);
        } else {
            log.error("yamux {}: remote closed the session with error code {}", this, frame.unsignedLength());
        }
    }

    private void protocolError(String reason) {
        if (closed || failed) {
            return;
        }
        failed = true;
        log.warn("yamux protocol error on {}: {}; sending Go Away and closing", ctx.channel(), reason);
        closeCause = new Libp2pException("yamux protocol error on " + ctx.channel() + ": " + reason);
        goAwayAndClose(YamuxFrame.GO_AWAY_PROTOCOL_ERROR);
    }

    void keepAliveTimedOut(long timeoutNanos) {
        log.warn("yamux {}: no pong within {} ms, closing the connection", ctx.channel(),
                TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        closeCause = new Libp2pException("yamux keep-alive timed out on " + ctx.channel());
        ctx.close();
    }

    private void goAwayAndClose(int code) {
        if (closed || localGoingAway) {
            return;
        }
        localGoingAway = true;
        failWaitingOpens(new Libp2pException("yamux session " + this + " is closing"));
        ctx.writeAndFlush(YamuxFrameCodec.encodeHeader(ctx.alloc(), TYPE_GO_AWAY, 0, 0, code))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void shutdown() {
        if (closed) {
            return;
        }
        closed = true;
        failWaitingOpens(closeCause);
        ping.stop(closeCause);
        outbound.clear();
        for (YamuxStream stream : new ArrayList<>(streams.values())) {
            stream.onConnectionClosed(closeCause);
        }
        streams.clear();
        stalled.clear();
    }

    // ---- services for streams and the pinger, on the event loop ----

    EventExecutor executor() {
        return ctx.executor();
    }

    Future<Void> succeededFuture() {
        return succeeded;
    }

    YamuxOutbound outbound() {
        return outbound;
    }

    /** Measured RTT, at least 1 ms: event-loop latency counts too, and a loopback ping understates it. */
    long rttNanosForWindow() {
        return Math.max(ping.rttNanos(), MIN_RTT_NANOS);
    }

    /** {@code stream} owes the peer credit it could not reserve: retried by {@link #retryStalledGrants}. */
    void stalled(YamuxStream stream) {
        stalled.add(stream);
    }

    void outboundStreamAcked() {
        unackedOutboundStreams--;
        openWaitingStreams();
    }

    void streamClosed(YamuxStream stream) {
        if (streams.get(stream.id()) != stream) {
            return;
        }
        streams.remove(stream.id());
        stalled.remove(stream);
        if (stream.isInitiator() && stream.isAwaitingAck()) {
            unackedOutboundStreams--;
        }
        openWaitingStreams();
    }

    @Override
    public String toString() {
        return "YamuxSession[" + (client ? "client" : "server") + ", " + (ctx != null ? ctx.channel() : "unbound") + "]";
    }

    // ---- event-loop hand-over, shared with YamuxStream ----

    static void runOnLoop(EventExecutor loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    static <T> Future<T> callOnLoop(EventExecutor loop, Supplier<Future<T>> call) {
        if (loop.inEventLoop()) {
            return call.get();
        }
        Promise<T> promise = loop.newPromise();
        loop.execute(() -> PromiseNotifier.cascade(call.get(), promise));
        return promise;
    }
}
