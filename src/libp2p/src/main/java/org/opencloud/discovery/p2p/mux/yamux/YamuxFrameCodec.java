package org.opencloud.discovery.p2p.mux.yamux;

import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.HEADER_LENGTH;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.TYPE_DATA;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.TYPE_GO_AWAY;
import static org.opencloud.discovery.p2p.mux.yamux.YamuxFrame.VERSION;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.opencloud.discovery.p2p.core.Libp2pException;

/**
 * Plaintext bytes to {@link YamuxFrame}s, and the encoders {@link YamuxSession} writes with.
 *
 * <p>Data payloads are {@code retainedSlice}s of the received bytes, never copies; the composite
 * cumulator keeps frames that span several reads from being copied as well. A malformed header
 * (version other than 0, unknown type, Data longer than {@code maxDataLength}) raises a
 * {@link Libp2pException}, which the session turns into Go Away 1; the decoder then discards all
 * further input.
 */
public final class YamuxFrameCodec extends ByteToMessageDecoder {

    /** Payloads up to this size are copied behind their header: cheaper than a composite buffer. */
    private static final int COPY_THRESHOLD = 1024;

    private final int maxDataLength;
    private boolean failed;

    public YamuxFrameCodec(int maxDataLength) {
        this.maxDataLength = maxDataLength;
        setCumulator(COMPOSITE_CUMULATOR);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.readableBytes() >= HEADER_LENGTH) {
            int start = in.readerIndex();
            int version = in.getUnsignedByte(start);
            int type = in.getUnsignedByte(start + 1);
            int flags = in.getUnsignedShort(start + 2);
            int streamId = in.getInt(start + 4);
            int length = in.getInt(start + 8);
            if (version != VERSION) {
                fail(in, "unsupported yamux version " + version);
            }
            if (type > TYPE_GO_AWAY) {
                fail(in, "unknown yamux frame type " + type);
            }
            if (type != TYPE_DATA) {
                in.skipBytes(HEADER_LENGTH);
                out.add(new YamuxFrame(type, flags, streamId, length, null));
                continue;
            }
            long dataLength = Integer.toUnsignedLong(length);
            if (dataLength > maxDataLength) {
                fail(in, "yamux data frame of " + dataLength + " bytes exceeds " + maxDataLength);
            }
            if (in.readableBytes() < HEADER_LENGTH + dataLength) {
                return;
            }
            ByteBuf data = length == 0
                    ? Unpooled.EMPTY_BUFFER
                    : in.retainedSlice(start + HEADER_LENGTH, length);
            in.skipBytes(HEADER_LENGTH + length);
            out.add(new YamuxFrame(type, flags, streamId, length, data));
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void fail(ByteBuf in, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        throw new Libp2pException(reason);
    }

    /** A header-only frame (Window Update, Ping, Go Away, or empty Data). */
    public static ByteBuf encodeHeader(ByteBufAllocator alloc, int type, int flags, int streamId, int length) {
        ByteBuf header = alloc.buffer(HEADER_LENGTH);
        writeHeader(header, type, flags, streamId, length);
        return header;
    }

    /** A Data frame carrying {@code payload}, whose ownership passes to the returned buffer. */
    public static ByteBuf encodeData(ByteBufAllocator alloc, int streamId, ByteBuf payload) {
        int length = payload.readableBytes();
        if (length <= COPY_THRESHOLD) {
            try {
                ByteBuf frame = alloc.buffer(HEADER_LENGTH + length);
                writeHeader(frame, TYPE_DATA, 0, streamId, length);
                return frame.writeBytes(payload);
            } finally {
                payload.release();
            }
        }
        ByteBuf header = encodeHeader(alloc, TYPE_DATA, 0, streamId, length);
        return alloc.compositeBuffer(2).addComponents(true, header, payload);
    }

    private static void writeHeader(ByteBuf out, int type, int flags, int streamId, int length) {
        out.writeByte(VERSION).writeByte(type).writeShort(flags).writeInt(streamId).writeInt(length);
    }
}
