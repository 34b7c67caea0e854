package org.opencloud.discovery.p2p.mux.yamux;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.mux.MuxedStreams;

/** Collects what a stream delivers, releasing every buffer. */
class YamuxRecordingListener implements MuxedStream.Listener {

    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    boolean remoteClosed;
    Throwable resetCause;

    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
        MuxedStreams.drainInto(received, data);
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
        remoteClosed = true;
    }

    @Override
    public void onReset(MuxedStream stream, Throwable cause) {
        resetCause = cause;
    }
}
