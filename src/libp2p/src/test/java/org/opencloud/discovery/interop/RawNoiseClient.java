package org.opencloud.discovery.interop;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.multistream.MultistreamHandler;
import org.opencloud.discovery.p2p.multistream.MultistreamNegotiation;
import org.opencloud.discovery.p2p.mux.yamux.YamuxFrame;
import org.opencloud.discovery.p2p.security.noise.NoiseHandshakeHandler;
import org.opencloud.discovery.p2p.security.noise.NoiseSession;

/**
 * A hostile peer that stops after the Noise handshake: it selects {@code /noise} and completes the
 * handshake with the stack's own handlers, then writes whatever a test wants, encrypted or raw, and
 * records every decrypted byte the host sends. No muxer: the test speaks yamux by hand.
 */
final class RawNoiseClient implements AutoCloseable {
    private static final String YAMUX = "/yamux/1.0.0";

    /** One yamux frame seen from the host; {@code length} is the data length or the window/ping/GoAway value. */
    record Frame(int version, int type, int flags, int streamId, long length) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Channel channel;

    RawNoiseClient(Multiaddr host) {
        Promise<NoiseSession>[] secured = new Promise[1];
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        secured[0] = ch.eventLoop().newPromise();
                        Promise<String> security = ch.eventLoop().newPromise();
                        security.addListener(f -> {
                            if (f.isSuccess()) {
                                ch.pipeline().addLast(NoiseHandshakeHandler.NAME, new NoiseHandshakeHandler(
                                        PrivateKey.generate(), true, host.peerId(), List.of(YAMUX), secured[0]));
                            }
                        });
                        secured[0].addListener(f -> {
                            if (f.isSuccess()) {
                                ch.pipeline().addLast(new Recorder());
                            }
                        });
                        ch.pipeline().addLast(new MultistreamHandler(MultistreamNegotiation.initiator(List.of("/noise")), security));
                    }
                })
                .connect(host.toTcpSocketAddress()).syncUninterruptibly().channel();
        // secured[0] is set by initChannel, which ran during connect's registration
        if (!secured[0].awaitUninterruptibly(Interop.TIMEOUT.toMillis()) || !secured[0].isSuccess()) {
            close();
            throw new AssertionError("noise handshake with " + host + " failed: " + secured[0].cause());
        }
    }

    /** Writes {@code plaintext}; the Noise codec encrypts it. */
    void writeEncrypted(ByteBuf plaintext) {
        channel.writeAndFlush(plaintext).syncUninterruptibly();
    }

    /** Writes {@code bytes} below the Noise codec, unencrypted. */
    void writeRaw(ByteBuf bytes) {
        channel.pipeline().context(NoiseHandshakeHandler.TRANSPORT_CODEC_NAME).writeAndFlush(bytes).syncUninterruptibly();
    }

    boolean awaitClosed(Duration timeout) {
        return channel.closeFuture().awaitUninterruptibly(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The yamux frames in what the host sent so far (a partial last frame is left out). */
    List<Frame> frames() {
        byte[] bytes;
        synchronized (received) {
            bytes = received.toByteArray();
        }
        List<Frame> frames = new ArrayList<>();
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        while (in.remaining() >= YamuxFrame.HEADER_LENGTH) {
            Frame f = new Frame(in.get() & 0xFF, in.get() & 0xFF, in.getShort() & 0xFFFF, in.getInt(), in.getInt() & 0xFFFFFFFFL);
            if (f.type() == YamuxFrame.TYPE_DATA) {
                if (in.remaining() < f.length()) {
                    break;
                }
                in.position(in.position() + (int) f.length());
            }
            frames.add(f);
        }
        return frames;
    }

    /** Data bytes the host sent on {@code streamId}. */
    long dataBytes(int streamId) {
        return frames().stream().filter(f -> f.type() == YamuxFrame.TYPE_DATA && f.streamId() == streamId)
                .mapToLong(Frame::length).sum();
    }

    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            try {
                byte[] bytes = new byte[data.readableBytes()];
                data.readBytes(bytes);
                synchronized (received) {
                    received.writeBytes(bytes);
                }
            } finally {
                data.release();
            }
        }
    }
}
