package org.opencloud.discovery.p2p.mux.yamux;

import org.opencloud.discovery.p2p.rcmgr.TestScopes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.mux.MuxedStreams;

/** Sessions on real event loops, driven from the test thread: echo streams in parallel, flushes per stream. */
class YamuxLoopbackTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());

    @AfterEach
    void shutdown() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /**
     * A one-shot stream opened, written and closed by one task of the loop leaves in one flush (one Noise frame and
     * one socket write on a real connection), flushed once the loop's pending tasks ran; it took three before.
     */
    @Test
    void whatOneTaskWritesLeavesInOneFlush() throws Exception {
        LocalAddress address = new LocalAddress("yamux-one-flush-test");
        Channel server = echoServer(address);
        AtomicInteger flushes = new AtomicInteger();
        YamuxSession client = new YamuxSession(true, YamuxConfig.defaults(), TestScopes.connection(), MuxedStream::reset);
        Channel channel = new Bootstrap().group(group).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                            @Override
                            public void flush(ChannelHandlerContext ctx) {
                                flushes.incrementAndGet();
                                ctx.flush();
                            }
                        });
                        client.addTo(ch.pipeline());
                    }
                }).connect(address).sync().channel();
        assertTrue(client.ping().get(5, TimeUnit.SECONDS) > 0);
        channel.eventLoop().submit(() -> flushes.set(0)).sync();

        byte[] message = "one message".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<byte[]> echo = channel.eventLoop().submit(() -> {
            MuxedStream stream = client.openStream().getNow();
            CompletableFuture<byte[]> back = MuxedStreams.readToEnd(stream);
            stream.write(Unpooled.wrappedBuffer(message));
            stream.closeWrite();
            return back;
        }).get(5, TimeUnit.SECONDS);
        channel.eventLoop().submit(() -> { }).sync(); // queued behind the flush

        assertEquals(1, flushes.get(), "the stream's open, its message and its close in one flush");
        assertArrayEquals(message, echo.get(5, TimeUnit.SECONDS));
        client.close().sync();
        server.close().sync();
    }

    /** A server whose sessions echo every stream. */
    private Channel echoServer(LocalAddress address) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        new YamuxSession(false, YamuxConfig.defaults(), TestScopes.connection(), MuxedStreams::echo).addTo(ch.pipeline());
                    }
                }).bind(address).sync().channel();
    }

    @Test
    void parallelEchoStreamsOfFourMebibytesComeBackIntact() throws Exception {
        LocalAddress address = new LocalAddress("yamux-loopback-test");
        Channel server = echoServer(address);
        YamuxSession client = new YamuxSession(true, YamuxConfig.defaults(), TestScopes.connection(), MuxedStream::reset);
        Channel channel = new Bootstrap().group(group).channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        client.addTo(ch.pipeline());
                    }
                }).connect(address).sync().channel();

        assertTrue(client.ping().get(5, TimeUnit.SECONDS) > 0);
        List<byte[]> payloads = new ArrayList<>();
        List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] payload = new byte[4 * 1024 * 1024];
            new Random(i).nextBytes(payload);
            payloads.add(payload);
            MuxedStream stream = client.openStream().get(5, TimeUnit.SECONDS);
            echoes.add(MuxedStreams.readToEnd(stream));
            // Written from the test thread in 256 KiB pieces, waiting on each for backpressure.
            Thread writer = new Thread(() -> {
                for (int offset = 0; offset < payload.length; offset += 256 * 1024) {
                    stream.write(Unpooled.wrappedBuffer(payload, offset, 256 * 1024)).syncUninterruptibly();
                }
                stream.closeWrite();
            });
            writer.start();
        }
        for (int i = 0; i < payloads.size(); i++) {
            assertArrayEquals(payloads.get(i), echoes.get(i).get(30, TimeUnit.SECONDS));
        }
        client.close().sync();
        assertTrue(!channel.isOpen());
        server.close().sync();
    }
}
