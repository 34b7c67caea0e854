package org.opencloud.discovery.p2p.security.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/** Shared helpers of the Noise tests: embedded peers, byte shuttling and a plaintext sink. */
final class NoiseTestSupport {
    static final List<String> MUXERS = List.of("/yamux/1.0.0");

    private NoiseTestSupport() {
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }

    /** One side of a handshake on an {@link EmbeddedChannel}, with a sink behind the handler. */
    static final class Peer {
        final PrivateKey identity = PrivateKey.generate();
        final Promise<NoiseSession> result = ImmediateEventExecutor.INSTANCE.newPromise();
        final PlaintextSink sink = new PlaintextSink();
        final EmbeddedChannel channel = new EmbeddedChannel();

        Peer(boolean initiator, PeerId expectedRemote) {
            this(initiator, expectedRemote, NoiseHandshakeHandler.DEFAULT_TIMEOUT);
        }

        Peer(boolean initiator, PeerId expectedRemote, Duration timeout) {
            channel.pipeline().addLast(NoiseHandshakeHandler.NAME,
                    new NoiseHandshakeHandler(identity, initiator, expectedRemote, MUXERS, result, timeout));
            channel.pipeline().addLast(sink);
        }

        /** All bytes this side has written so far, in one buffer the caller owns. */
        ByteBuf takeOutbound() {
            ByteBuf all = Unpooled.buffer();
            ByteBuf next;
            while ((next = channel.readOutbound()) != null) {
                all.writeBytes(next);
                next.release();
            }
            return all;
        }

        /** Delivers {@code bytes} as one read; empty buffers are released instead. */
        void receive(ByteBuf bytes) {
            if (bytes.isReadable() && channel.isOpen()) {
                channel.writeInbound(bytes);
            } else {
                bytes.release();
            }
        }

        void finish() {
            channel.finishAndReleaseAll();
        }
    }

    /** Moves bytes between two embedded peers until both fall silent. */
    static void shuttle(Peer a, Peer b) {
        boolean moved = true;
        while (moved) {
            ByteBuf fromA = a.takeOutbound();
            ByteBuf fromB = b.takeOutbound();
            moved = fromA.isReadable() || fromB.isReadable();
            b.receive(fromA);
            a.receive(fromB);
        }
    }

    /** Collects the plaintext that reaches the end of the pipeline and releases each buffer. */
    static final class PlaintextSink extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                received.writeBytes(bytes);
            } finally {
                buf.release();
            }
        }

        byte[] received() {
            return received.toByteArray();
        }
    }
}
