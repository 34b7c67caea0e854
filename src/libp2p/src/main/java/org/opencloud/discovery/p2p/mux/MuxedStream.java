package org.opencloud.discovery.p2p.mux;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import org.opencloud.discovery.p2p.rcmgr.StreamScope;

/**
 * One stream of a multiplexed connection.
 *
 * <p>Threading: every callback of the {@link Listener} runs on {@link #executor()}, the connection's
 * event loop. The methods of this interface may be called from any thread; calls from other threads
 * are handed to the event loop, in call order.
 *
 * <p>Flow control: bytes delivered to {@link Listener#onData} count as consumed when that call
 * returns, and the peer gets window credit for them, unless reading is paused: while
 * {@link #pauseReading()} is in force, arriving data is held (never beyond the window the peer was
 * given) and neither delivered nor credited until {@link #resumeReading()}. A slow reader therefore
 * slows the remote writer instead of filling memory.
 *
 * <p>Memory: inbound bytes count against the stream's {@link #scope()} from the moment credit for them
 * is granted until they are consumed. A listener that keeps delivered bytes buffered past
 * {@link Listener#onData} (a message read to its end) says so with {@link #holdMemory} and
 * {@link #releaseMemory}: what it holds is credit the peer does not get back until it is released, so a
 * reader that buffers much stalls its sender at the scope's limits.
 */
public interface MuxedStream {

    /** Receives a stream's inbound events, on the connection's event loop. */
    interface Listener {
        /** Inbound bytes; the listener owns {@code data} and must release it. */
        void onData(MuxedStream stream, ByteBuf data);

        /** The remote closed its write side (FIN): no more data will arrive. */
        void onRemoteClose(MuxedStream stream);

        /** The stream was reset (by either side) or its connection closed; no more callbacks follow. */
        void onReset(MuxedStream stream, Throwable cause);
    }

    /** The stream id on its connection. */
    int id();

    /** True when this side opened the stream. */
    boolean isInitiator();

    /** The resources this stream holds, nested in its connection's, peer's, protocol's and host's. */
    StreamScope scope();

    /** Counts {@code bytes} the listener keeps buffered after {@link Listener#onData} against the stream's memory. */
    void holdMemory(int bytes);

    /** Releases bytes counted by {@link #holdMemory}, once the listener consumed them. */
    void releaseMemory(int bytes);

    /** The event loop that runs this stream's callbacks. */
    EventExecutor executor();

    /**
     * Sets the listener. Data and events that arrived before a listener was set are held, then
     * delivered to it in order.
     */
    void setListener(Listener listener);

    /**
     * Writes {@code data}, taking ownership of it. Bytes beyond the peer's window wait until the peer
     * grants credit. The future completes when every byte is handed to the connection, and fails if
     * the stream is reset or its write side closed; callers wait on it for backpressure.
     */
    Future<Void> write(ByteBuf data);

    /** Closes this side's writing (FIN) after all data written so far; reading goes on. */
    Future<Void> closeWrite();

    /** Aborts the stream in both directions (RST); pending writes fail. */
    void reset();

    /** Holds inbound data and withholds window credit until {@link #resumeReading()}. */
    void pauseReading();

    /** Delivers held data and credits the peer again. */
    void resumeReading();

    /**
     * Marks a long-lived stream that its protocol keeps open while quiet (pubsub's one stream per peer): the
     * host's idle-stream reset passes it over. The protocol bounds how many it keeps.
     */
    void keepWhenIdle();

    /** Completes when the stream is fully closed (both sides finished) or reset. */
    Future<Void> closeFuture();
}
