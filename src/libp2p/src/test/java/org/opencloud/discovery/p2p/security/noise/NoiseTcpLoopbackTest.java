package org.opencloud.discovery.p2p.security.noise;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.opencloud.discovery.p2p.security.noise.NoiseTestSupport.MUXERS;

/** Two handlers over real TCP on loopback: the server echoes what it decrypts. */
class NoiseTcpLoopbackTest {
    private static final Logger log = LoggerFactory.getLogger(NoiseTcpLoopbackTest.class);
    private final PrivateKey serverIdentity = PrivateKey.generate();
    private final PrivateKey clientIdentity = PrivateKey.generate();
    private final CompletableFuture<NoiseSession> serverSession = new CompletableFuture<>();
    private EventLoopGroup group;
    private Channel server;

    @BeforeEach
    void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    private void listen(Supplier<ChannelHandler> serverNext) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(secured(false, serverNext, serverSession))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void handshakeAndEchoOfFrameBoundarySizes() throws Exception {
        listen(Echo::new);
        Received received = new Received();
        CompletableFuture<NoiseSession> clientSession = new CompletableFuture<>();
        Channel client = connect(received, clientSession);

        NoiseSession atClient = clientSession.get(5, TimeUnit.SECONDS);
        NoiseSession atServer = serverSession.get(5, TimeUnit.SECONDS);
        assertEquals(serverIdentity.peerId(), atClient.remotePeerId());
        assertEquals(clientIdentity.peerId(), atServer.remotePeerId());
        assertEquals(MUXERS, atClient.remoteMuxers());
        assertEquals(MUXERS, atServer.remoteMuxers());

        Random random = new Random(42);
        for (int size : new int[] {1, 65519, 65520, 1 << 20}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            received.expect(size);
            client.writeAndFlush(Unpooled.wrappedBuffer(data));
            assertArrayEquals(data, received.await(), "echo of " + size + " bytes");
        }
        client.close().sync();
    }

    @Test
    void transportThroughputOneWay() throws Exception {
        long total = 64L << 20;
        Received received = new Received();
        listen(() -> received);
        Channel client = connect(new Received(), new CompletableFuture<>());
        serverSession.get(5, TimeUnit.SECONDS);
        byte[] header = new byte[12];
        ByteBuf payload = Unpooled.directBuffer(256 * 1024).writeZero(256 * 1024);
        received.expectCountOnly(total);

        long start = System.nanoTime();
        ArrayDeque<ChannelFuture> inFlight = new ArrayDeque<>();
        for (long sent = 0; sent < total; sent += header.length + payload.readableBytes()) {
            // As yamux does: a 12-byte header and the payload as two buffers, then one flush.
            client.write(Unpooled.wrappedBuffer(header));
            inFlight.add(client.writeAndFlush(payload.retainedDuplicate()));
            if (inFlight.size() > 16) {
                inFlight.poll().sync();
            }
        }
        received.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        payload.release();
        log.info("noise transport over loopback, one way: {} MB/s", String.format("%.0f", received.count() / 1e6 / seconds));
        client.close().sync();
    }

    private Channel connect(Received received, CompletableFuture<NoiseSession> session) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(secured(true, () -> received, session))
                .connect(server.localAddress()).sync().channel();
    }

    /** Installs the handshake; once it succeeds, the listener adds {@code next} behind the codec. */
    private ChannelInitializer<SocketChannel> secured(boolean initiator, Supplier<ChannelHandler> next,
                                                       CompletableFuture<NoiseSession> session) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                Promise<NoiseSession> result = ch.eventLoop().newPromise();
                result.addListener(f -> {
                    if (f.isSuccess()) {
                        ch.pipeline().addLast(next.get());
                        session.complete(result.getNow());
                    } else {
                        session.completeExceptionally(f.cause());
                    }
                });
                PrivateKey identity = initiator ? clientIdentity : serverIdentity;
                ch.pipeline().addLast(NoiseHandshakeHandler.NAME, new NoiseHandshakeHandler(
                        identity, initiator, initiator ? serverIdentity.peerId() : null, MUXERS, result));
            }
        };
    }

    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Collects (or just counts) plaintext until an expected amount has arrived. */
    private static final class Received extends ChannelInboundHandlerAdapter {
        private final AtomicLong count = new AtomicLong();
        private volatile byte[] data;
        private volatile long expected;
        private volatile CompletableFuture<byte[]> done = new CompletableFuture<>();

        void expect(int size) {
            data = new byte[size];
            expected = size;
            count.set(0);
            done = new CompletableFuture<>();
        }

        void expectCountOnly(long size) {
            data = null;
            expected = size;
            count.set(0);
            done = new CompletableFuture<>();
        }

        byte[] await() throws Exception {
            return done.get(60, TimeUnit.SECONDS);
        }

        long count() {
            return count.get();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int n = buf.readableBytes();
                long offset = count.getAndAdd(n);
                if (data != null) {
                    buf.getBytes(buf.readerIndex(), data, (int) offset, Math.min(n, data.length - (int) offset));
                }
                if (offset + n >= expected) {
                    done.complete(data == null ? null : Arrays.copyOf(data, data.length));
                }
            } finally {
                buf.release();
            }
        }
    }
}
