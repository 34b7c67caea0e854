package org.opencloud.discovery.p2p.protocol.ping;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.host.Connection;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.mux.MuxedStream;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Serves ping and measures round trips to peers. */
public final class PingService {
    public static final String PROTOCOL = "/ipfs/ping/1.0.0";
    private static final int SIZE = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PingService() {
    }

    /** Serves ping on {@code host}: every 32 bytes read are written back; the stream closes at the peer's EOF. */
    public static void install(Host host) {
        host.handle(PROTOCOL, PingService::echo);
    }

    private static void echo(Stream stream) {
        stream.setListener(new MuxedStream.Listener() {
            private ByteBuf ping = Unpooled.buffer(SIZE);

            @Override
            public void onData(MuxedStream s, ByteBuf data) {
                try {
                    while (data.isReadable()) {
                        ping.writeBytes(data, Math.min(ping.writableBytes(), data.readableBytes()));
                        if (!ping.isWritable()) {
                            s.write(ping);
                            ping = Unpooled.buffer(SIZE);
                        }
                    }
                } finally {
                    data.release();
                }
            }

            @Override
            public void onRemoteClose(MuxedStream s) {
                ping.release();
                s.closeWrite();
            }

            @Override
            public void onReset(MuxedStream s, Throwable cause) {
                ping.release();
            }
        });
    }

    /** One ping on a new stream over {@code connection}: the round trip from write to full echo. */
    public static CompletableFuture<Duration> ping(Connection connection) {
        return connection.newStream(List.of(PROTOCOL)).thenCompose(PingService::pingOnce);
    }

    private static CompletableFuture<Duration> pingOnce(Stream stream) {
        byte[] payload = new byte[SIZE];
        RANDOM.nextBytes(payload);
        CompletableFuture<Duration> result = new CompletableFuture<>();
        byte[] echo = new byte[SIZE];
        int[] received = {0};
        long[] start = {0};
        stream.setListener(new MuxedStream.Listener() {
            @Override
            public void onData(MuxedStream s, ByteBuf data) {
                try {
                    int n = Math.min(data.readableBytes(), SIZE - received[0]);
                    data.readBytes(echo, received[0], n);
                    received[0] += n;
                } finally {
                    data.release();
                }
                if (received[0] == SIZE && !result.isDone()) {
                    Duration rtt = Duration.ofNanos(System.nanoTime() - start[0]);
                    s.closeWrite();
                    if (Arrays.equals(payload, echo)) {
                        result.complete(rtt);
                    } else {
                        result.completeExceptionally(new Libp2pException("ping echo from " + stream.remotePeer()
                                + " does not match what was sent"));
                    }
                }
            }

            @Override
            public void onRemoteClose(MuxedStream s) {
                if (!result.isDone()) {
                    result.completeExceptionally(new Libp2pException(stream.remotePeer() + " closed the ping stream after "
                            + received[0] + " of " + SIZE + " bytes"));
                }
            }

            @Override
            public void onReset(MuxedStream s, Throwable cause) {
                result.completeExceptionally(new Libp2pException("ping stream to " + stream.remotePeer() + " was reset", cause));
            }
        });
        start[0] = System.nanoTime();
        stream.write(Unpooled.wrappedBuffer(payload));
        return result;
    }
}
