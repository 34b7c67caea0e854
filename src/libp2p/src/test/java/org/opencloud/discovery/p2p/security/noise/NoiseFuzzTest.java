package org.opencloud.discovery.p2p.security.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.fuzz.FuzzChannels;
import org.opencloud.discovery.fuzz.FuzzInputs;
import org.opencloud.discovery.fuzz.QuietLog;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Noise's three decoders fed any bytes: the handshake payload (protobuf, identity key, signature) is a
 * verified payload or a {@link Libp2pException}; a responder's handshake fails with a {@link Libp2pException}
 * and closes, or waits, and never lets an exception escape; the transport codec passes on only plaintext that
 * authenticated, in order, and closes the connection at the first frame that does not.
 */
class NoiseFuzzTest {
    private static final byte[] STATIC_KEY = filled(7);
    private static final byte[] KEY = filled(9);
    private static final DecoderFuzz PAYLOAD = DecoderFuzz.of("noise handshake payload", 256 * 1024, 16,
            Libp2pException.class);
    private static final DecoderFuzz HANDSHAKE = DecoderFuzz.of("noise handshake (responder)",
            FuzzChannels.FIXED_BYTES, FuzzChannels.PER_INPUT_BYTE);
    private static final DecoderFuzz TRANSPORT = DecoderFuzz.of("noise transport frames",
            FuzzChannels.FIXED_BYTES, FuzzChannels.PER_INPUT_BYTE);
    /** The plaintexts the transport seeds carry, by frame number (the nonce their ciphertext is bound to). */
    private static final List<List<byte[]>> FRAME_PLAINTEXTS = new ArrayList<>();
    private static final List<byte[]> SENT = List.of("one".getBytes(), new byte[5000], "three".getBytes());
    private static final byte[] SENT_WIRE = encrypt(SENT);
    private static QuietLog quiet;

    @BeforeContainer
    static void quiet() {
        quiet = QuietLog.of(NoiseHandshakeHandler.class, NoiseTransportCodec.class);
    }

    @AfterContainer
    static void summary() {
        quiet.close();
        System.out.println(PAYLOAD.summary());
        System.out.println(HANDSHAKE.summary());
        System.out.println(TRANSPORT.summary());
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        PrivateKey identity = PrivateKey.generate();
        return FuzzInputs.mutationsOf(List.of(
                NoisePayload.encode(identity, STATIC_KEY, List.of("/yamux/1.0.0")),
                NoisePayload.encode(identity, STATIC_KEY, List.of()),
                NoisePayload.encode(identity, STATIC_KEY, List.of("/yamux/1.0.0", "/mplex/6.7.0"))), 4096);
    }

    @Property
    void aPayloadIsVerifiedOrRefused(@ForAll("payloads") byte[] input) {
        PAYLOAD.check(input, bytes -> {
            NoisePayload payload = NoisePayload.verify(bytes, STATIC_KEY);
            assertEquals(payload.peerId(), org.opencloud.discovery.p2p.core.PeerId.fromPublicKey(payload.identityKey()));
        });
    }

    @Provide
    Arbitrary<byte[]> handshakes() {
        byte[] message1 = initiatorMessage1();
        byte[] message3 = Arrays.copyOf(message1, message1.length + 2 + 80 + 120);
        message3[message1.length + 1] = (byte) 200; // the length of a message 3 as long as ours
        return FuzzInputs.mutationsOf(List.of(message1, message3), 4096);
    }

    @Property
    void aResponderFailsClosesOrWaits(@ForAll("handshakes") byte[] input, @ForAll long chunking) {
        HANDSHAKE.check(input, bytes -> {
            EmbeddedChannel channel = FuzzChannels.channel();
            Promise<NoiseSession> result = channel.eventLoop().newPromise();
            channel.pipeline().addLast(new NoiseHandshakeHandler(PrivateKey.generate(), false, null,
                    NoiseTestSupport.MUXERS, result));
            try {
                FuzzChannels.writeUntilClosed(channel, bytes, chunking);
                // message 3 needs the key of our message 2, which no input can know
                assertFalse(result.isSuccess(), "a handshake completed with bytes that cannot authenticate");
                if (result.isDone()) {
                    assertInstanceOf(Libp2pException.class, result.cause());
                    assertFalse(channel.isOpen(), "a failed handshake closes its connection");
                }
            } finally {
                channel.finishAndReleaseAll();
            }
        });
    }

    @Provide
    Arbitrary<byte[]> transcripts() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(encrypt(List.of("hello".getBytes(), new byte[] {0}, new byte[300])));
        seeds.add(encrypt(List.of(new byte[NoiseTransportCodec.MAX_PLAINTEXT_LENGTH], "tail".getBytes())));
        seeds.add(encrypt(List.of(new byte[] {1, 2, 3}, new byte[] {4}, new byte[] {5}, new byte[] {6})));
        return FuzzInputs.mutationsOf(seeds, 2 * NoiseTransportCodec.MAX_FRAME_LENGTH);
    }

    @Property
    void onlyAuthenticatedPlaintextPassesInOrder(@ForAll("transcripts") byte[] input, @ForAll long chunking) {
        TRANSPORT.check(input, bytes -> {
            List<byte[]> plaintexts = new ArrayList<>();
            EmbeddedChannel channel = FuzzChannels.channel(
                    new NoiseTransportCodec(new CipherState(KEY), new CipherState(KEY)), collector(plaintexts));
            try { // the codec closes the connection at a frame that does not authenticate
                FuzzChannels.writeUntilClosed(channel, bytes, chunking);
            } finally {
                channel.finishAndReleaseAll();
            }
            for (int i = 0; i < plaintexts.size(); i++) {
                byte[] got = plaintexts.get(i);
                int frame = i;
                assertTrue(frame < FRAME_PLAINTEXTS.size() && FRAME_PLAINTEXTS.get(frame).stream()
                        .anyMatch(p -> Arrays.equals(p, got)), "frame " + frame + " is no plaintext sent under its nonce");
            }
        });
    }

    @Property
    void encryptedFramesDecryptToWhatWasSent(@ForAll long chunking) {
        List<byte[]> sent = SENT;
        TRANSPORT.check(SENT_WIRE, bytes -> {
            List<byte[]> received = new ArrayList<>();
            EmbeddedChannel channel = FuzzChannels.channel(
                    new NoiseTransportCodec(new CipherState(KEY), new CipherState(KEY)), collector(received));
            for (byte[] chunk : FuzzChannels.chunks(bytes, chunking)) {
                channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            }
            assertTrue(channel.isOpen());
            channel.finishAndReleaseAll();
            assertEquals(sent.size(), received.size());
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), received.get(i));
            }
        });
    }

    /** Frames of {@code plaintexts}, one each, as our codec writes them; remembers them by frame number. */
    private static byte[] encrypt(List<byte[]> plaintexts) {
        EmbeddedChannel sender = new EmbeddedChannel(new NoiseTransportCodec(new CipherState(KEY), new CipherState(KEY)));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < plaintexts.size(); i++) {
            sender.writeOutbound(Unpooled.wrappedBuffer(plaintexts.get(i)));
            ByteBuf frame;
            while ((frame = sender.readOutbound()) != null) {
                wire.writeBytes(ByteBufUtil.getBytes(frame));
                frame.release();
            }
            synchronized (FRAME_PLAINTEXTS) {
                while (FRAME_PLAINTEXTS.size() <= i) {
                    FRAME_PLAINTEXTS.add(new ArrayList<>());
                }
                FRAME_PLAINTEXTS.get(i).add(plaintexts.get(i).clone());
            }
        }
        sender.finishAndReleaseAll();
        return wire.toByteArray();
    }

    private static byte[] initiatorMessage1() {
        NoiseTestSupport.Peer initiator = new NoiseTestSupport.Peer(true, null);
        ByteBuf out = initiator.takeOutbound();
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
            initiator.finish();
        }
    }

    private static byte[] filled(int value) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) value);
        return key;
    }

    private static ChannelInboundHandlerAdapter collector(List<byte[]> into) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    into.add(ByteBufUtil.getBytes(buf));
                } finally {
                    buf.release();
                }
            }
        };
    }
}
