package org.opencloud.discovery.p2p.mux;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/** Test listeners for {@link MuxedStream}s: an echo server and a read-to-end client. */
public final class MuxedStreams {

    private MuxedStreams() {
    }

    /** Echoes {@code stream} and closes its write side when the remote does. */
    public static void echo(MuxedStream stream) {
        stream.setListener(new MuxedStream.Listener() {
            @Override
            public void onData(MuxedStream s, ByteBuf data) {
                // Backpressure: stop reading while the echo waits for the remote's window.
                s.pauseReading();
                s.write(data).addListener(done -> s.resumeReading());
            }

            @Override
            public void onRemoteClose(MuxedStream s) {
                s.closeWrite();
            }

            @Override
            public void onReset(MuxedStream s, Throwable cause) {
            }
        });
    }

    /** Everything {@code stream} delivers until the remote closes it; fails if the stream is reset. */
    public static CompletableFuture<byte[]> readToEnd(MuxedStream stream) {
        CompletableFuture<byte[]> all = new CompletableFuture<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        stream.setListener(new MuxedStream.Listener() {
            @Override
            public void onData(MuxedStream s, ByteBuf data) {
                drainInto(received, data);
            }

            @Override
            public void onRemoteClose(MuxedStream s) {
                all.complete(received.toByteArray());
            }

            @Override
            public void onReset(MuxedStream s, Throwable cause) {
                all.completeExceptionally(cause);
            }
        });
        return all;
    }

    /** Appends {@code data} to {@code out} and releases it, as a listener that owns it must. */
    public static void drainInto(ByteArrayOutputStream out, ByteBuf data) {
        try {
            byte[] bytes = new byte[data.readableBytes()];
            data.readBytes(bytes);
            out.writeBytes(bytes);
        } finally {
            data.release();
        }
    }
}
