package org.opencloud.discovery.p2p.pnet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.fuzz.FuzzChannels;
import org.opencloud.discovery.fuzz.FuzzInputs;
import org.opencloud.discovery.p2p.core.Libp2pException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The private-network layer's decoders: {@code swarm.key} contents parse to the key or a
 * {@link Libp2pException}; the inbound side of {@link PnetHandler} takes the peer's 24-byte nonce from any
 * chunking and passes on exactly the rest, decrypted: what a peer with the same key sent.
 */
class PnetFuzzTest {
    private static final SwarmKey KEY = SwarmKey.of(new byte[32]);
    private static final DecoderFuzz SWARM_KEY = DecoderFuzz.of("swarm.key", 64 * 1024, 16, Libp2pException.class);
    private static final DecoderFuzz INBOUND = DecoderFuzz.of("pnet nonce and stream",
            FuzzChannels.FIXED_BYTES, FuzzChannels.PER_INPUT_BYTE);

    @AfterContainer
    static void summary() {
        System.out.println(SWARM_KEY.summary());
        System.out.println(INBOUND.summary());
    }

    @Provide
    Arbitrary<byte[]> swarmKeys() {
        SwarmKey key = SwarmKey.generate();
        byte[] raw = key.keyBytes();
        return FuzzInputs.mutationsOf(List.of(key.encode(),
                ("/key/swarm/psk/1.0.0/\r\n/base64/\r\n" + Base64.getEncoder().encodeToString(raw) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII),
                concat("/key/swarm/psk/1.0.0/\n/bin/\n".getBytes(StandardCharsets.US_ASCII), raw)), 1024);
    }

    @Property
    void aSwarmKeyFileParsesOrIsRefused(@ForAll("swarmKeys") byte[] input) {
        SWARM_KEY.check(input, bytes -> assertEquals(SwarmKey.KEY_BYTES, SwarmKey.parse(bytes).keyBytes().length));
    }

    @Property
    void anEncodedSwarmKeyParsesToItself(@ForAll long ignoredSeed) {
        SwarmKey key = SwarmKey.generate();
        SWARM_KEY.check(key.encode(), bytes -> assertEquals(key, SwarmKey.parse(bytes)));
    }

    @Provide
    Arbitrary<byte[]> streams() {
        return FuzzInputs.mutationsOf(List.of(encrypted("/multistream/1.0.0\n".getBytes(StandardCharsets.UTF_8)),
                encrypted(new byte[3000])), 4096);
    }

    @Property
    void inboundBytesAfterTheNonceAreAllPassedOn(@ForAll("streams") byte[] input, @ForAll long chunking) {
        INBOUND.check(input, bytes -> {
            byte[] received = receive(bytes, chunking);
            assertEquals(Math.max(0, bytes.length - PnetHandler.NONCE_BYTES), received.length);
        });
    }

    @Property
    void whatAPeerWithTheSameKeySendsArrivesAsSent(@ForAll("streams") byte[] plaintext, @ForAll long chunking) {
        byte[] wire = encrypted(plaintext);
        INBOUND.check(wire, bytes -> assertArrayEquals(plaintext, receive(bytes, chunking)));
    }

    /** What our handler passes on from {@code wire}, fed in chunks. */
    private static byte[] receive(byte[] wire, long chunking) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        EmbeddedChannel channel = FuzzChannels.channel(new PnetHandler(KEY), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    received.writeBytes(ByteBufUtil.getBytes(buf));
                } finally {
                    buf.release();
                }
            }
        });
        try {
            for (byte[] chunk : FuzzChannels.chunks(wire, chunking)) {
                channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            }
            channel.checkException();
            return received.toByteArray();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** What a peer's handler with {@link #KEY} writes for {@code plaintext}: its nonce, then the ciphertext. */
    private static byte[] encrypted(byte[] plaintext) {
        EmbeddedChannel peer = new EmbeddedChannel(new PnetHandler(KEY));
        peer.writeOutbound(Unpooled.directBuffer(plaintext.length).writeBytes(plaintext));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteBuf out;
        while ((out = peer.readOutbound()) != null) {
            wire.writeBytes(ByteBufUtil.getBytes(out));
            out.release();
        }
        peer.finishAndReleaseAll();
        return wire.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
