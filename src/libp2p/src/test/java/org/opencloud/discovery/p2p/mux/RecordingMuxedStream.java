package org.opencloud.discovery.p2p.mux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import org.opencloud.discovery.p2p.rcmgr.Direction;
import org.opencloud.discovery.p2p.rcmgr.StreamScope;
import org.opencloud.discovery.p2p.rcmgr.TestScopes;

/**
 * An inbound stream with no muxer under it, for a unit test of what runs on a stream: it records the writes (hex)
 * and a reset, counts held memory in a real stream scope, never closes, and the test pushes inbound data through
 * {@link #listener()}.
 */
public final class RecordingMuxedStream implements MuxedStream {
    private final int id;
    private final EventExecutor executor;
    private final StreamScope scope = TestScopes.connection().openStream(Direction.INBOUND);
    private final StringBuilder written = new StringBuilder();
    private Listener listener;
    private boolean reset;

    public RecordingMuxedStream(int id, EventExecutor executor) {
        this.id = id;
        this.executor = executor;
    }

    /** Everything written so far, as hex. */
    public String written() {
        return written.toString();
    }

    /** The listener the code under test set, to push inbound data through. */
    public Listener listener() {
        return listener;
    }

    public boolean wasReset() {
        return reset;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public boolean isInitiator() {
        return false;
    }

    @Override
    public EventExecutor executor() {
        return executor;
    }

    @Override
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    @Override
    public Future<Void> write(ByteBuf data) {
        try {
            written.append(ByteBufUtil.hexDump(data));
        } finally {
            data.release();
        }
        return executor.newSucceededFuture(null);
    }

    @Override
    public Future<Void> closeWrite() {
        return executor.newSucceededFuture(null);
    }

    @Override
    public void reset() {
        reset = true;
    }

    @Override
    public StreamScope scope() {
        return scope;
    }

    @Override
    public void holdMemory(int bytes) {
        scope.holdMemory(bytes);
    }

    @Override
    public void releaseMemory(int bytes) {
        scope.releaseMemory(bytes);
    }

    @Override
    public void pauseReading() {
    }

    @Override
    public void resumeReading() {
    }

    @Override
    public void keepWhenIdle() {
    }

    @Override
    public Future<Void> closeFuture() {
        return executor.newPromise();
    }
}
