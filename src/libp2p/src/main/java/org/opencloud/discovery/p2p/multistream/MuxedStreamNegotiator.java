package org.opencloud.discovery.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.mux.BufferedBytes;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link MultistreamNegotiation} on a {@link MuxedStream}, then hands the stream to the
 * selected protocol's listener together with any bytes that came after the selecting message
 * (go's lazy initiator sends application data right behind its proposal).
 *
 * <p>On a violation, a timeout, a FIN or a reset before selection the stream is reset and the
 * returned future fails with a {@link Libp2pException}.
 */
public final class MuxedStreamNegotiator implements MuxedStream.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(MuxedStreamNegotiator.class);

    private final MultistreamNegotiation negotiation;
    private final ByteBufAllocator alloc;
    private final Function<String, MuxedStream.Listener> protocolListeners;
    private final Promise<String> selected;
    private ByteBuf cumulation;
    private BufferedBytes buffered;
    private ScheduledFuture<?> timeoutTask;

    private MuxedStreamNegotiator(MultistreamNegotiation negotiation, ByteBufAllocator alloc,
            Function<String, MuxedStream.Listener> protocolListeners, Promise<String> selected) {
        this.negotiation = negotiation;
        this.alloc = alloc;
        this.protocolListeners = protocolListeners;
        this.selected = selected;
    }

    /**
     * Starts negotiating on {@code stream}: takes over its listener and sends the first bytes.
     *
     * @param protocolListeners called on the stream's event loop with the selected protocol id; the
     *        listener it returns becomes the stream's listener and first receives the leftover bytes
     * @return completes on the stream's event loop with the selected protocol id, after the hand-off
     */
    public static Future<String> negotiate(MuxedStream stream, MultistreamNegotiation negotiation,
            ByteBufAllocator alloc, Duration timeout, Function<String, MuxedStream.Listener> protocolListeners) {
        Promise<String> selected = stream.executor().newPromise();
        MuxedStreamNegotiator negotiator = new MuxedStreamNegotiator(Objects.requireNonNull(negotiation),
                Objects.requireNonNull(alloc), Objects.requireNonNull(protocolListeners), selected);
        if (stream.executor().inEventLoop()) {
            negotiator.start(stream, timeout);
        } else {
            stream.executor().execute(() -> negotiator.start(stream, timeout));
        }
        return selected;
    }

    private void start(MuxedStream stream, Duration timeout) {
        buffered = new BufferedBytes(stream);
        timeoutTask = stream.executor().schedule(
                () -> fail(stream, new Libp2pException("multistream negotiation timed out after " + timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        // Start before listening: setting the listener delivers bytes that already arrived.
        stream.write(negotiation.start(alloc));
        stream.setListener(this);
    }

    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
        if (selected.isDone()) {
            data.release();
            return;
        }
        append(data);
        MultistreamNegotiation.Step step;
        try {
            step = negotiation.onRead(cumulation, alloc);
        } catch (Libp2pException e) {
            fail(stream, e);
            return;
        }
        if (step.output() != null) {
            stream.write(step.output());
        }
        if (step.isDone()) {
            handOff(stream, step.selectedProtocol());
        } else if (!cumulation.isReadable()) {
            releaseCumulation();
        } else {
            buffered.set(cumulation.readableBytes());
        }
    }

    /** Keeps a partial message until the rest arrives; takes ownership of {@code data}. */
    private void append(ByteBuf data) {
        if (cumulation == null) {
            cumulation = data;
            return;
        }
        try {
            ByteBuf joined = alloc.buffer(cumulation.readableBytes() + data.readableBytes());
            joined.writeBytes(cumulation).writeBytes(data);
            cumulation.release();
            cumulation = joined;
        } finally {
            data.release();
        }
    }

    private void handOff(MuxedStream stream, String protocol) {
        cancelTimeout();
        ByteBuf leftover = cumulation;
        cumulation = null;
        MuxedStream.Listener next;
        try {
            next = protocolListeners.apply(protocol);
        } catch (RuntimeException e) {
            leftover.release();
            fail(stream, new Libp2pException("no handler for negotiated protocol " + protocol, e));
            return;
        }
        stream.setListener(next);
        if (leftover.isReadable()) {
            next.onData(stream, leftover);
        } else {
            leftover.release();
        }
        buffered.clear(); // the next listener counts what it keeps of the leftover
        selected.trySuccess(protocol);
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
        fail(stream, new Libp2pException("stream closed during multistream negotiation"));
    }

    @Override
    public void onReset(MuxedStream stream, Throwable cause) {
        releaseCumulation();
        cancelTimeout();
        selected.tryFailure(new Libp2pException("stream reset during multistream negotiation", cause));
    }

    private void fail(MuxedStream stream, Libp2pException error) {
        releaseCumulation();
        cancelTimeout();
        if (selected.tryFailure(error)) {
            LOG.debug("stream {} multistream negotiation failed, resetting: {}", stream.id(), error.getMessage());
            stream.reset();
        }
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (buffered != null) {
            buffered.clear();
        }
    }

    private void cancelTimeout() {
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
            timeoutTask = null;
        }
    }
}
