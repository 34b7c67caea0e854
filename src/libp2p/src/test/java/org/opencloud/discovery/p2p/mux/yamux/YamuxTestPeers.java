package org.opencloud.discovery.p2p.mux.yamux;

import org.opencloud.discovery.p2p.rcmgr.TestScopes;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.opencloud.discovery.p2p.mux.MuxedStream;

/** Two yamux sessions on EmbeddedChannels whose outbound bytes are shuttled to each other. */
final class YamuxTestPeers implements AutoCloseable {

    final EmbeddedChannel clientChannel = new EmbeddedChannel();
    final EmbeddedChannel serverChannel = new EmbeddedChannel();
    final List<MuxedStream> clientInbound = new ArrayList<>();
    final List<MuxedStream> serverInbound = new ArrayList<>();
    final YamuxSession client;
    final YamuxSession server;

    YamuxTestPeers(YamuxConfig config) {
        client = new YamuxSession(true, config, TestScopes.connection(), clientInbound::add);
        server = new YamuxSession(false, config, TestScopes.connection(), serverInbound::add);
        client.addTo(clientChannel.pipeline());
        server.addTo(serverChannel.pipeline());
        shuttle();
    }

    /** Moves bytes both ways until neither side has anything more to send. */
    void shuttle() {
        boolean moved;
        do {
            moved = move(clientChannel, serverChannel) | move(serverChannel, clientChannel);
        } while (moved);
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        from.runPendingTasks();
        boolean moved = false;
        ByteBuf bytes;
        while ((bytes = from.readOutbound()) != null) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(bytes);
            } else {
                bytes.release();
            }
        }
        return moved;
    }

    @Override
    public void close() {
        clientChannel.finishAndReleaseAll();
        serverChannel.finishAndReleaseAll();
    }
}
