package org.opencloud.discovery.p2p.pnet;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PnetHandlerTest {
    private static final HexFormat HEX = HexFormat.of();
    /** NaCl crypto_stream test (tests/stream.c, stream3.c): XSalsa20 key, nonce and 4 MiB keystream digest. */
    private static final byte[] NACL_KEY = HEX.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    private static final byte[] NACL_NONCE = HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    private static final String NACL_FIRST_32 = "eea6a7251c1e72916d11c2cb214d3c252539121d8e234e652d651fa4c8cff880";
    private static final String NACL_SHA256_4MIB = "662b9d0e3463029156069b12f918691a98f7dfb2ca0393c96bbfc6b1fbd630a2";
    private static final int[] ODD_PIECES = {1, 23, 7, 4096, 65537, 3, 100_000};

    @Test
    void inboundKeystreamMatchesTheNaClVectorAcrossOddReads() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new PnetHandler(SwarmKey.of(NACL_KEY)));
        try {
            byte[] wire = new byte[PnetHandler.NONCE_BYTES + 4 * 1024 * 1024];
            System.arraycopy(NACL_NONCE, 0, wire, 0, NACL_NONCE.length);
            // The nonce split over reads (10 then 14 + ciphertext in one read), then odd sizes.
            feed(channel, Arrays.copyOfRange(wire, 0, 10), new int[] {10});
            feed(channel, Arrays.copyOfRange(wire, 10, wire.length), new int[] {14 + 5, 1, 23, 65536, 99_991});
            byte[] keystream = drainInbound(channel);
            assertEquals(4 * 1024 * 1024, keystream.length);
            assertEquals(NACL_FIRST_32, HEX.formatHex(keystream, 0, 32));
            assertEquals(NACL_SHA256_4MIB, HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(keystream)));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void nonceIsTheFirst24BytesOnTheWireThenXSalsa20FromByteZero() {
        SwarmKey key = SwarmKey.of(NACL_KEY);
        EmbeddedChannel channel = new EmbeddedChannel(new PnetHandler(key));
        try {
            byte[] nonceOnly = drainOutbound(channel);
            assertEquals(PnetHandler.NONCE_BYTES, nonceOnly.length, "nonce is flushed as soon as the channel is active");
            byte[] plain = "/multistream/1.0.0\n".getBytes(StandardCharsets.UTF_8);
            channel.writeAndFlush(Unpooled.wrappedBuffer(plain.clone()));
            byte[] cipher = drainOutbound(channel);
            assertArrayEquals(plain, xsalsa20(NACL_KEY, nonceOnly, cipher));
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void twoHandlersExchangeOddSizedPiecesByteExactBothWays() {
        SwarmKey key = SwarmKey.generate();
        EmbeddedChannel a = new EmbeddedChannel(new PnetHandler(key));
        EmbeddedChannel b = new EmbeddedChannel(new PnetHandler(key));
        try {
            byte[] aToB = random(1 + 23 + 1024 * 1024, 1);
            byte[] bToA = random(1 + 23 + 1024 * 1024 + 5, 2);
            // Exercise each buffer kind: heap (copied), pooled direct (in place), composite (copied).
            writeInPieces(a, aToB, new int[] {1, 23, 1024 * 1024});
            writeInPieces(b, bToA, new int[] {1, 23, 5, 1024 * 1024});
            byte[] fromA = drainOutbound(a);
            byte[] fromB = drainOutbound(b);
            feed(b, Arrays.copyOfRange(fromA, 0, 5), new int[] {5});
            feed(b, Arrays.copyOfRange(fromA, 5, fromA.length), ODD_PIECES);
            feed(a, fromB, new int[] {PnetHandler.NONCE_BYTES + 1, 23, 1, 511});
            assertArrayEquals(aToB, drainInbound(b));
            assertArrayEquals(bToA, drainInbound(a));
        } finally {
            a.finishAndReleaseAll();
            b.finishAndReleaseAll();
        }
    }

    @Test
    void callersHeapArrayIsNotModified() {
        EmbeddedChannel channel = new EmbeddedChannel(new PnetHandler(SwarmKey.generate()));
        try {
            byte[] constant = "shared constant".getBytes(StandardCharsets.UTF_8);
            byte[] copy = constant.clone();
            channel.writeAndFlush(Unpooled.wrappedBuffer(constant));
            assertArrayEquals(copy, constant);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void differentKeysGiveGarbage() {
        EmbeddedChannel a = new EmbeddedChannel(new PnetHandler(SwarmKey.generate()));
        EmbeddedChannel b = new EmbeddedChannel(new PnetHandler(SwarmKey.generate()));
        try {
            byte[] plain = "/multistream/1.0.0\n".getBytes(StandardCharsets.UTF_8);
            a.writeAndFlush(Unpooled.wrappedBuffer(plain.clone()));
            feed(b, drainOutbound(a), new int[] {PnetHandler.NONCE_BYTES, plain.length});
            byte[] received = drainInbound(b);
            assertEquals(plain.length, received.length);
            assertFalse(Arrays.equals(plain, received));
        } finally {
            a.finishAndReleaseAll();
            b.finishAndReleaseAll();
        }
    }

    @Test
    void nonByteBufWritesAreRefused() {
        EmbeddedChannel channel = new EmbeddedChannel(new PnetHandler(SwarmKey.generate()));
        try {
            assertFalse(channel.writeAndFlush("clear text").isSuccess());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Real loopback: the client writes before it is connected; the server sees the nonce first, then ciphertext. */
    @Test
    void writesBeforeConnectGoOutAfterTheNonceOverTcp() throws Exception {
        SwarmKey key = SwarmKey.generate();
        byte[] early = "written while connecting".getBytes(StandardCharsets.UTF_8);
        byte[] late = random(300_001, 3);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        CompletableFuture<byte[]> rawWire = new CompletableFuture<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new Collector(PnetHandler.NONCE_BYTES + early.length + late.length,
                                    rawWire));
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new PnetHandler(key), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRegistered(ChannelHandlerContext ctx) {
                                    ctx.writeAndFlush(Unpooled.wrappedBuffer(early));
                                    ctx.fireChannelRegistered();
                                }
                            });
                        }
                    }).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(late)).sync();
            byte[] wire = rawWire.get(10, TimeUnit.SECONDS);
            byte[] nonce = Arrays.copyOf(wire, PnetHandler.NONCE_BYTES);
            byte[] plain = xsalsa20(key.keyBytes(), nonce, Arrays.copyOfRange(wire, PnetHandler.NONCE_BYTES, wire.length));
            assertArrayEquals(early, Arrays.copyOf(plain, early.length));
            assertArrayEquals(late, Arrays.copyOfRange(plain, early.length, plain.length));
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Collects raw bytes until {@code expected} arrived. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int expected;
        private final CompletableFuture<byte[]> done;

        Collector(int expected, CompletableFuture<byte[]> done) {
            this.expected = expected;
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                bytes.writeBytes(ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
            if (bytes.size() >= expected) {
                done.complete(bytes.toByteArray());
            }
        }
    }

    private static byte[] xsalsa20(byte[] key, byte[] nonce, byte[] in) {
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] out = new byte[in.length];
        engine.processBytes(in, 0, in.length, out, 0);
        return out;
    }

    /** Writes {@code data} cut into {@code pieces} (the last piece takes the rest), rotating buffer kinds. */
    private static void writeInPieces(EmbeddedChannel channel, byte[] data, int[] pieces) {
        int at = 0;
        for (int i = 0; at < data.length; i++) {
            int n = i < pieces.length - 1 ? Math.min(pieces[i], data.length - at) : data.length - at;
            byte[] piece = Arrays.copyOfRange(data, at, at + n);
            ByteBuf buf = switch (i % 3) {
                case 0 -> Unpooled.wrappedBuffer(piece);
                case 1 -> PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(piece);
                default -> composite(piece);
            };
            channel.write(buf);
            at += n;
        }
        channel.flush();
    }

    private static ByteBuf composite(byte[] piece) {
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        int half = piece.length / 2;
        composite.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOf(piece, half)));
        composite.addComponent(true, Unpooled.directBuffer(piece.length - half)
                .writeBytes(piece, half, piece.length - half));
        return composite;
    }

    /** Feeds {@code data} inbound in pooled direct reads of the given sizes, cycling; the last read takes the rest. */
    private static void feed(EmbeddedChannel channel, byte[] data, int[] pieces) {
        int at = 0;
        for (int i = 0; at < data.length; i++) {
            int n = Math.min(pieces[i % pieces.length], data.length - at);
            channel.writeInbound(PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(data, at, n));
            at += n;
        }
    }

    private static byte[] drainOutbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }

    private static byte[] drainInbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf buf;
        while ((buf = channel.readInbound()) != null) {
            assertTrue(buf.isReadable(), "no empty reads are passed on");
            out.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
