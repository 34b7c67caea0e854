package org.opencloud.discovery.p2p.mux.yamux;

import io.netty.buffer.ByteBuf;

/**
 * One decoded yamux frame. {@code length} is the raw u32 of the header: payload size for Data,
 * credit delta for Window Update, opaque value for Ping, error code for Go Away (and, from go-yamux
 * v5, an error code on RST). {@code data} is the payload of a Data frame, owned by whoever holds
 * the frame, and null for the other types.
 */
public record YamuxFrame(int type, int flags, int streamId, int length, ByteBuf data) {

    public static final int HEADER_LENGTH = 12;
    public static final int VERSION = 0;

    public static final int TYPE_DATA = 0;
    public static final int TYPE_WINDOW_UPDATE = 1;
    public static final int TYPE_PING = 2;
    public static final int TYPE_GO_AWAY = 3;

    public static final int FLAG_SYN = 1;
    public static final int FLAG_ACK = 2;
    public static final int FLAG_FIN = 4;
    public static final int FLAG_RST = 8;

    public static final int GO_AWAY_NORMAL = 0;
    public static final int GO_AWAY_PROTOCOL_ERROR = 1;
    public static final int GO_AWAY_INTERNAL_ERROR = 2;

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** The length field read as the unsigned number it is on the wire. */
    public long unsignedLength() {
        return Integer.toUnsignedLong(length);
    }

    /** Releases the payload, if any. */
    public void release() {
        if (data != null) {
            data.release();
        }
    }

    @Override
    public String toString() {
        return "YamuxFrame[type=" + type + ", flags=" + flags + ", stream=" + streamId
                + ", length=" + unsignedLength() + "]";
    }
}
