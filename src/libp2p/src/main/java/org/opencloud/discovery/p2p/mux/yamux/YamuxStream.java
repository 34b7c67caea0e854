package org.opencloud.discovery.p2p.mux.yamux;

import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.FLAG_FIN;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.FLAG_RST;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.rcmgr.StreamScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One yamux stream. All state is touched on the session's event loop only; public methods called
 * from other threads are handed over to it. The send side queues writes beyond the peer's credit
 * (or while the channel is not writable) and completes their futures as the bytes go out; the
 * receive side holds data while paused or before a listener is set.
 *
 * <p>Memory: the stream's scope holds the credit the peer has, the bytes held here and those the
 * listener keeps ({@link #holdMemory}); delivered bytes are released once the listener returned, and
 * credit is granted only as far as it can be reserved again.
 */
final class YamuxStream implements MuxedStream {

    private static final Logger log = LoggerFactory.getLogger(YamuxStream.class);

    private record PendingWrite(ByteBuf data, Promise<Void> promise) {}

    private final YamuxSession session;
    private final YamuxOutbound outbound;
    private final int id;
    private final boolean initiator;
    private final Promise<Void> closeFuture;
    private final YamuxReceiveWindow receiveWindow;
    private final StreamScope scope;
    private Listener listener;

    private final ArrayDeque<PendingWrite> sendQueue = new ArrayDeque<>();
    private long sendCredit = YamuxConfig.SPEC_INITIAL_WINDOW;
    private Promise<Void> finPromise;
    private boolean finSent;
    private boolean acked;
    boolean awaitingWritability;

    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private boolean paused;
    private boolean delivering;
    private boolean inOnData;
    private long keptOfDelivery;
    private boolean remoteFin;
    private boolean remoteFinDelivered;
    private Throwable resetCause;
    private boolean resetDelivered;
    private boolean closed;
    private long lastDataNanos = System.nanoTime();
    private volatile boolean keptWhenIdle;

    /** {@code scope} already holds the initial receive window. */
    YamuxStream(YamuxSession session, int id, boolean initiator, YamuxConfig config, StreamScope scope) {
        this.session = session;
        this.outbound = session.outbound();
        this.id = id;
        this.initiator = initiator;
        this.scope = scope;
        this.closeFuture = session.executor().newPromise();
        this.receiveWindow = new YamuxReceiveWindow(config.initialWindowSize(), config.maxWindowSize(),
                System.nanoTime());
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public boolean isInitiator() {
        return initiator;
    }

    @Override
    public EventExecutor executor() {
        return session.executor();
    }

    @Override
    public StreamScope scope() {
        return scope;
    }

    @Override
    public void holdMemory(int bytes) {
        if (inOnData && executor().inEventLoop()) {
            keptOfDelivery += bytes; // moved from the delivery's reservation when onData returns
        } else {
            scope.holdMemory(bytes);
        }
    }

    @Override
    public void releaseMemory(int bytes) {
        scope.releaseMemory(bytes);
        YamuxSession.runOnLoop(executor(), () -> {
            retryGrant();
            session.retryStalledGrants(); // the peer's other streams may get what this one released
        });
    }

    @Override
    public void setListener(Listener listener) {
        YamuxSession.runOnLoop(executor(), () -> {
            this.listener = listener;
            if (resetCause != null) {
                deliverReset();
            } else {
                deliverHeld();
            }
        });
    }

    @Override
    public Future<Void> write(ByteBuf data) {
        return YamuxSession.callOnLoop(executor(), () -> writeOnLoop(data));
    }

    private Future<Void> writeOnLoop(ByteBuf data) {
        Throwable refusal = resetCause != null ? resetCause
                : finPromise != null ? new Libp2pException("write side of yamux stream " + id + " is closed")
                : null;
        if (refusal != null) {
            data.release();
            return executor().newFailedFuture(refusal);
        }
        if (sendQueue.isEmpty()) {
            sendAvailable(data);
            if (!data.isReadable()) {
                data.release();
                outbound.flushIfIdle();
                return session.succeededFuture();
            }
        }
        Promise<Void> promise = executor().newPromise();
        sendQueue.add(new PendingWrite(data, promise));
        outbound.flushIfIdle();
        return promise;
    }

    /** Writes as much of {@code data} as the peer's credit and the channel allow. */
    private void sendAvailable(ByteBuf data) {
        while (data.isReadable() && sendCredit > 0) {
            if (!outbound.channelWritable()) {
                outbound.awaitWritability(this);
                return;
            }
            int length = (int) Math.min(Math.min(data.readableBytes(), sendCredit), outbound.maxFrameSize());
            outbound.writeData(id, data.readRetainedSlice(length));
            sendCredit -= length;
            lastDataNanos = System.nanoTime();
        }
    }

    /** Continues queued writes after new credit or restored channel writability. */
    void resumeSending() {
        while (!sendQueue.isEmpty()) {
            PendingWrite write = sendQueue.peek();
            sendAvailable(write.data());
            if (write.data().isReadable()) {
                return;
            }
            sendQueue.poll();
            write.data().release();
            write.promise().trySuccess(null);
        }
        if (finPromise != null && !finSent && resetCause == null) {
            sendFin();
        }
    }

    @Override
    public Future<Void> closeWrite() {
        return YamuxSession.callOnLoop(executor(), () -> {
            if (resetCause != null) {
                return executor().newFailedFuture(resetCause);
            }
            if (finPromise == null) {
                finPromise = executor().newPromise();
                if (sendQueue.isEmpty()) {
                    sendFin();
                    outbound.flushIfIdle();
                }
            }
            return finPromise;
        });
    }

    private void sendFin() {
        finSent = true;
        outbound.writeStreamControl(id, FLAG_FIN, 0);
        finPromise.trySuccess(null);
        if (remoteFin) {
            closeFully();
        }
    }

    @Override
    public void reset() {
        YamuxSession.runOnLoop(executor(), () -> {
            if (resetCause != null || closed) {
                return;
            }
            outbound.writeStreamControl(id, FLAG_RST, 0);
            outbound.flushIfIdle();
            terminate(new Libp2pException("yamux stream " + id + " reset locally"));
        });
    }

    @Override
    public void pauseReading() {
        YamuxSession.runOnLoop(executor(), () -> paused = true);
    }

    @Override
    public void resumeReading() {
        YamuxSession.runOnLoop(executor(), () -> {
            paused = false;
            deliverHeld();
            grantCredit();
            outbound.flushIfIdle();
        });
    }

    @Override
    public Future<Void> closeFuture() {
        return closeFuture;
    }

    // ---- events from the session, on the event loop ----

    void onAck() {
        if (!acked) {
            acked = true;
            session.outboundStreamAcked();
        }
    }

    boolean isAwaitingAck() {
        return initiator && !acked;
    }

    void onWindowUpdate(long delta) {
        sendCredit += delta;
        if (delta > 0 && resetCause == null && !awaitingWritability) {
            resumeSending();
        }
    }

    /** False if the peer exceeded the window: a protocol error. */
    boolean tryReceive(int bytes) {
        return receiveWindow.tryReceive(bytes);
    }

    /** Takes ownership of {@code data}. */
    void onData(ByteBuf data) {
        if (resetCause != null || remoteFin) {
            data.release();
            return;
        }
        lastDataNanos = System.nanoTime();
        held.add(data);
        deliverHeld();
    }

    /** Nanoseconds since data last went out or came in on this stream; zero for one kept when idle. */
    long idleNanos(long nowNanos) {
        return keptWhenIdle ? 0 : nowNanos - lastDataNanos;
    }

    @Override
    public void keepWhenIdle() {
        keptWhenIdle = true;
    }

    void onRemoteFin() {
        if (remoteFin || resetCause != null) {
            return;
        }
        remoteFin = true;
        deliverHeld();
        if (finSent) {
            closeFully();
        }
    }

    void onRemoteReset() {
        if (!closed) {
            terminate(new Libp2pException("yamux stream " + id + " reset by remote"));
        }
    }

    void onConnectionClosed(Throwable cause) {
        if (!closed) {
            terminate(cause);
        }
    }

    // ---- delivery and lifecycle ----

    private void deliverHeld() {
        if (delivering || listener == null) {
            return;
        }
        delivering = true;
        try {
            ByteBuf data;
            while (!paused && resetCause == null && (data = held.poll()) != null) {
                int length = data.readableBytes();
                keptOfDelivery = 0;
                inOnData = true;
                try {
                    listener.onData(this, data);
                } finally {
                    inOnData = false;
                }
                if (keptOfDelivery > length) {
                    scope.holdMemory(keptOfDelivery - length);
                } else {
                    scope.releaseMemory(length - keptOfDelivery);
                }
                receiveWindow.consumed(length);
                grantCredit();
            }
            if (remoteFin && !remoteFinDelivered && held.isEmpty() && resetCause == null) {
                remoteFinDelivered = true;
                listener.onRemoteClose(this);
            }
        } catch (RuntimeException e) {
            log.warn("listener of yamux stream {} on {} failed; resetting the stream", id, session, e);
            reset();
        } finally {
            delivering = false;
        }
    }

    private void grantCredit() {
        if (paused || remoteFin || resetCause != null) {
            return;
        }
        int delta = receiveWindow.grant(System.nanoTime(), session.rttNanosForWindow(),
                scope::reserveMemory, scope::reserveSpareMemory);
        if (delta > 0) {
            outbound.writeStreamControl(id, 0, delta);
        } else if (receiveWindow.isDue()) {
            session.stalled(this); // the sender waits until memory is released
        }
    }

    /** Grants credit a refused reservation held back; on the event loop. */
    void retryGrant() {
        if (!closed && receiveWindow.isDue()) {
            grantCredit();
            outbound.flushIfIdle();
        }
    }

    private void closeFully() {
        closed = true;
        scope.done();
        session.streamClosed(this);
        closeFuture.trySuccess(null);
    }

    private void terminate(Throwable cause) {
        resetCause = cause;
        closed = true;
        PendingWrite write;
        while ((write = sendQueue.poll()) != null) {
            write.data().release();
            write.promise().tryFailure(cause);
        }
        if (finPromise != null) {
            finPromise.tryFailure(cause);
        }
        ByteBuf data;
        while ((data = held.poll()) != null) {
            data.release();
        }
        scope.done();
        session.streamClosed(this);
        closeFuture.tryFailure(cause);
        deliverReset();
    }

    private void deliverReset() {
        if (listener == null || resetDelivered) {
            return;
        }
        resetDelivered = true;
        try {
            listener.onReset(this, resetCause);
        } catch (RuntimeException e) {
            log.warn("listener of yamux stream {} on {} failed in onReset", id, session, e);
        }
    }

    /** For tests and diagnostics: the current receive window. */
    int receiveWindowSize() {
        return receiveWindow.size();
    }

    /** For tests and diagnostics: the credit the peer granted us that is not yet used. */
    long sendCredit() {
        return sendCredit;
    }

    @Override
    public String toString() {
        return "YamuxStream[" + id + (initiator ? ", outbound" : ", inbound") + "]";
    }
}
