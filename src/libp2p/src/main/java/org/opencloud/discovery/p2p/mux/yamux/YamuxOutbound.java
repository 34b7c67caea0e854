package org.opencloud.discovery.p2p.mux.yamux;

import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.TYPE_PING;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.TYPE_WINDOW_UPDATE;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;

/**
 * The outbound side of a session, on its event loop: writes frames, batches flushes (once per read
 * batch, or once per run of the loop's tasks) and parks streams while the channel is not writable, so
 * stream queues never pile up inside the channel.
 */
final class YamuxOutbound {

    private final ChannelHandlerContext ctx;
    private final int maxFrameSize;
    private final ArrayDeque<YamuxStream> awaitingWritability = new ArrayDeque<>();
    private boolean reading;
    private boolean unflushedWrites;
    private boolean flushScheduled;
    private boolean resumeScheduled;

    YamuxOutbound(ChannelHandlerContext ctx, int maxFrameSize) {
        this.ctx = ctx;
        this.maxFrameSize = maxFrameSize;
    }

    int maxFrameSize() {
        return maxFrameSize;
    }

    void writeData(int streamId, ByteBuf payload) {
        unflushedWrites = true;
        ctx.write(YamuxFrameCodec.encodeData(ctx.alloc(), streamId, payload), ctx.voidPromise());
    }

    /** A Window Update: credit {@code delta} and/or the flags SYN, ACK, FIN, RST. */
    void writeStreamControl(int streamId, int flags, int delta) {
        unflushedWrites = true;
        ctx.write(YamuxFrameCodec.encodeHeader(ctx.alloc(), TYPE_WINDOW_UPDATE, flags, streamId, delta),
                ctx.voidPromise());
    }

    void writePing(int flags, int value) {
        unflushedWrites = true;
        ctx.write(YamuxFrameCodec.encodeHeader(ctx.alloc(), TYPE_PING, flags, 0, value), ctx.voidPromise());
    }

    /**
     * Flushes what was written: while reading, once at the end of the read batch; otherwise in a task queued
     * behind the loop's pending ones, so that what the tasks before it write leaves in the same flush. A
     * one-shot stream's open, protocol proposal, message and close, and what other streams wrote meanwhile, so
     * cost one Noise frame and one write to the socket, not one each (the flushes were a sixth of a sending
     * node's CPU, JFR).
     */
    void flushIfIdle() {
        if (!reading && unflushedWrites && !flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(this::flushScheduledWrites);
        }
    }

    private void flushScheduledWrites() {
        flushScheduled = false;
        flushNow();
    }

    private void flushNow() {
        if (unflushedWrites) {
            unflushedWrites = false;
            ctx.flush();
        }
    }

    void readStarted() {
        reading = true;
    }

    void readComplete() {
        reading = false;
        flushNow();
    }

    boolean channelWritable() {
        return ctx.channel().isWritable();
    }

    /**
     * Parks a stream until the channel is writable. No flush here: a flush can report writability
     * at once, re-entering the stream mid-write; every operation ends with {@link #flushIfIdle}.
     */
    void awaitWritability(YamuxStream stream) {
        if (!stream.awaitingWritability) {
            stream.awaitingWritability = true;
            awaitingWritability.add(stream);
        }
    }

    void channelWritabilityChanged() {
        if (channelWritable() && !awaitingWritability.isEmpty() && !resumeScheduled) {
            // Resume in a task of its own: this event may come from inside a flush, and Netty ignores
            // a flush issued from within a flush, which would strand the frames written now.
            resumeScheduled = true;
            ctx.executor().execute(this::resumeWriters);
        }
    }

    private void resumeWriters() {
        resumeScheduled = false;
        // Only the streams waiting now: one that blocks again re-queues itself for the next round.
        for (int n = awaitingWritability.size(); n > 0 && channelWritable(); n--) {
            YamuxStream stream = awaitingWritability.poll();
            stream.awaitingWritability = false;
            stream.resumeSending();
        }
        flushIfIdle();
    }

    /** Forgets parked streams once the connection is gone. */
    void clear() {
        awaitingWritability.clear();
    }
}
