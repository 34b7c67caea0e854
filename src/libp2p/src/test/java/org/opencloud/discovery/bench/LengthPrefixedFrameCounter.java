package org.opencloud.discovery.bench;

import io.netty.buffer.ByteBuf;

/**
 * Counts unsigned-varint length-prefixed frames across arbitrary chunk boundaries, as lib.mjs's
 * {@code LpCounter} does; bodies are skipped, not kept.
 */
final class LengthPrefixedFrameCounter {
    private long frames;
    private long bodyBytes;
    /** Body bytes still to skip in the current frame; -1 while reading a length prefix. */
    private long need = -1;
    private long length;
    private int shift;

    void push(ByteBuf chunk) {
        int i = chunk.readerIndex();
        int end = chunk.writerIndex();
        while (i < end) {
            if (need < 0) {
                int b = chunk.getByte(i++);
                length |= (long) (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    need = length;
                    length = 0;
                    shift = 0;
                    if (need == 0) {
                        frames++;
                        need = -1;
                    }
                }
            } else {
                int take = (int) Math.min(need, end - i);
                i += take;
                bodyBytes += take;
                need -= take;
                if (need == 0) {
                    frames++;
                    need = -1;
                }
            }
        }
    }

    long frames() {
        return frames;
    }

    long bodyBytes() {
        return bodyBytes;
    }
}
