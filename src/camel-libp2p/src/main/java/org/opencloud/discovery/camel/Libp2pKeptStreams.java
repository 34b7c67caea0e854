package org.opencloud.discovery.camel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The long-lived streams of a {@code keepOpen} endpoint, one per peer: a message is written on the peer's
 * stream followed by a newline; a stream the remote closed or reset is forgotten, so the next message opens a
 * new one; {@link #close} ends one on request.
 */
final class Libp2pKeptStreams {
    private static final Logger LOG = LoggerFactory.getLogger(Libp2pKeptStreams.class);

    private final Libp2pConfiguration configuration;
    private final Map<PeerId, CompletableFuture<Stream>> streams = new ConcurrentHashMap<>();

    /** The protocol is read when a stream opens: Camel sets endpoint options after construction. */
    Libp2pKeptStreams(Libp2pConfiguration configuration) {
        this.configuration = configuration;
    }

    /** Writes {@code message} and a newline on the peer's stream, opened first if there is none; completes once written. */
    CompletableFuture<Void> send(Host host, PeerId peer, List<Multiaddr> addresses, byte[] message) {
        CompletableFuture<Stream> opening = streams.computeIfAbsent(peer, p -> open(host, p, addresses));
        return opening.thenCompose(stream -> {
            CompletableFuture<Void> written = new CompletableFuture<>();
            stream.write(line(message)).addListener(f -> {
                if (f.isSuccess()) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(f.cause());
                }
            });
            return written;
        }).whenComplete((ok, error) -> {
            if (error != null) { // a stream that failed to open or to take a write is not kept
                streams.remove(peer, opening);
            }
        });
    }

    /** Closes and forgets the stream to {@code peer}; one that is not open is only logged. */
    void close(PeerId peer) {
        CompletableFuture<Stream> kept = streams.remove(peer);
        if (kept == null) {
            LOG.info("no kept {} stream to {}: nothing to close", configuration.getProtocol(), peer);
            return;
        }
        kept.thenAccept(Stream::closeWrite);
        LOG.debug("closed the kept {} stream to {}", configuration.getProtocol(), peer);
    }

    /** Closes every kept stream (the producer stops). */
    void closeAll() {
        streams.keySet().forEach(this::close);
    }

    private CompletableFuture<Stream> open(Host host, PeerId peer, List<Multiaddr> addresses) {
        CompletableFuture<Stream> opening = host.newStream(peer, addresses, List.of(configuration.getProtocol()));
        opening.thenAccept(stream -> stream.setListener(new MuxedStream.Listener() {
            @Override
            public void onData(MuxedStream s, ByteBuf data) {
                data.release(); // nothing is expected back
            }

            @Override
            public void onRemoteClose(MuxedStream s) {
                streams.remove(peer, opening);
                s.closeWrite();
            }

            @Override
            public void onReset(MuxedStream s, Throwable cause) {
                streams.remove(peer, opening);
            }
        }));
        return opening;
    }

    private static ByteBuf line(byte[] message) {
        boolean terminated = message.length > 0 && message[message.length - 1] == '\n';
        return terminated ? Unpooled.wrappedBuffer(message) : Unpooled.wrappedBuffer(message, new byte[] {'\n'});
    }
}
