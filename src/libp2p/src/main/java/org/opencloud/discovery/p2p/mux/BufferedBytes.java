package org.opencloud.discovery.p2p.mux;

/**
 * What a listener keeps buffered on one stream, kept counted in the stream's memory: set it to the
 * buffer's size after each change. Event-loop only, like the listener.
 */
public final class BufferedBytes {
    private final MuxedStream stream;
    private int counted;

    public BufferedBytes(MuxedStream stream) {
        this.stream = stream;
    }

    /** The listener now buffers {@code bytes}. */
    public void set(int bytes) {
        if (bytes > counted) {
            stream.holdMemory(bytes - counted);
        } else if (bytes < counted) {
            stream.releaseMemory(counted - bytes);
        }
        counted = bytes;
    }

    /** The buffer was released. */
    public void clear() {
        set(0);
    }
}
