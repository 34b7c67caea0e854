package org.opencloud.discovery.p2p.host;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.mux.BufferedBytes;
import org.opencloud.discovery.p2p.mux.MuxedStream;

/**
 * Splits a stream's bytes into varint-length-prefixed frames (the DHT's and pubsub's framing). A frame whose
 * announced length exceeds the limit is refused from its prefix, before its body is buffered, and the stream is
 * reset. A partial frame stays counted in the stream's memory until it is complete.
 */
public final class VarintFrameReader implements MuxedStream.Listener {
    /** What a stream's reader is told, on its event loop. */
    public interface Frames {
        void onFrame(MuxedStream stream, byte[] frame);

        /** The peer ended its side (FIN) between frames. */
        void onEnd(MuxedStream stream);

        /** A bad prefix, an oversized frame, a FIN inside a frame or a reset; the stream is already reset. */
        void onFailure(MuxedStream stream, String reason);
    }

    private final int maxFrame;
    private final Frames frames;
    private CompositeByteBuf buffer;
    private BufferedBytes kept;
    private boolean failed;

    public VarintFrameReader(int maxFrame, Frames frames) {
        this.maxFrame = maxFrame;
        this.frames = frames;
    }

    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
        if (failed) {
            data.release();
            return;
        }
        if (buffer == null) {
            buffer = data.alloc().compositeBuffer(Integer.MAX_VALUE);
            kept = new BufferedBytes(stream);
        }
        buffer.addComponent(true, data);
        try {
            readFrames(stream);
        } finally {
            if (buffer != null) {
                kept.set(buffer.readableBytes());
            }
        }
    }

    private void readFrames(MuxedStream stream) {
        while (!failed && buffer.isReadable()) {
            int start = buffer.readerIndex();
            long length;
            try {
                length = Varint.read(buffer);
            } catch (Libp2pException e) {
                fail(stream, "bad length prefix: " + e.getMessage());
                return;
            }
            if (length == Varint.INCOMPLETE) {
                return;
            }
            if (length > maxFrame) {
                fail(stream, "frame of " + length + " bytes exceeds the limit of " + maxFrame);
                return;
            }
            if (buffer.readableBytes() < length) {
                buffer.readerIndex(start);
                return;
            }
            byte[] frame = new byte[(int) length];
            buffer.readBytes(frame);
            buffer.discardReadComponents();
            frames.onFrame(stream, frame);
        }
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
        if (failed) {
            return;
        }
        if (buffer != null && buffer.isReadable()) {
            fail(stream, "stream ended inside a frame");
            return;
        }
        release();
        frames.onEnd(stream);
    }

    @Override
    public void onReset(MuxedStream stream, Throwable cause) {
        if (!failed) {
            failed = true;
            release();
            frames.onFailure(stream, "stream reset");
        }
    }

    private void fail(MuxedStream stream, String reason) {
        failed = true;
        release();
        stream.reset();
        frames.onFailure(stream, reason);
    }

    private void release() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
            kept.clear();
        }
    }
}
