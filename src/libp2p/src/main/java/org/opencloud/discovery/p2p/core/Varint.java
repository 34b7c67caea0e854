package org.opencloud.discovery.p2p.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Unsigned LEB128 varints as multiformats defines them: minimal encoding, at most 9 bytes (63 bits).
 * Used for multiaddr codes, multistream and length-prefixed framing.
 */
public final class Varint {
    /** Longest legal encoding. */
    public static final int MAX_BYTES = 9;
    /** {@link #read(ByteBuf)} result when the buffer does not yet hold a complete varint. */
    public static final long INCOMPLETE = -1;

    private Varint() {
    }

    public static int size(long value) {
        int n = 1;
        while ((value >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    public static byte[] encode(long value) {
        byte[] out = new byte[size(value)];
        int i = 0;
        while ((value & ~0x7FL) != 0) {
            out[i++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[i] = (byte) value;
        return out;
    }

    /** {@code uvarint(length) ‖ body}, one frame of a length-prefixed protocol (DHT, identify, pubsub). */
    public static ByteBuf lengthPrefixed(byte[] body) {
        ByteBuf out = Unpooled.buffer(size(body.length) + body.length);
        write(out, body.length);
        return out.writeBytes(body);
    }

    public static void write(ByteBuf out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    /**
     * Reads a varint from {@code in}. If the buffer ends before the varint does, nothing is consumed
     * and {@link #INCOMPLETE} is returned.
     *
     * @throws Libp2pException on a non-minimal or over-long encoding
     */
    public static long read(ByteBuf in) {
        int start = in.readerIndex();
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (!in.isReadable()) {
                in.readerIndex(start);
                return INCOMPLETE;
            }
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new Libp2pException("varint is not minimally encoded");
                }
                return value;
            }
        }
        throw new Libp2pException("varint longer than " + MAX_BYTES + " bytes");
    }

    /** Decodes a varint at {@code offset[0]} of {@code bytes}, advancing it. */
    public static long read(byte[] bytes, int[] offset) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        in.readerIndex(offset[0]);
        long value = read(in);
        if (value == INCOMPLETE) {
            throw new Libp2pException("truncated varint");
        }
        offset[0] = in.readerIndex();
        return value;
    }
}
