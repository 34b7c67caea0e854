package org.opencloud.discovery.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import net.jqwik.api.Arbitraries;
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

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * multistream-select messages and a responder's negotiation, fed any bytes in any chunking: messages read, or
 * a {@link Libp2pException}; the responder selects a protocol it supports, fails its promise with a
 * {@link Libp2pException} and closes, or waits for more; nothing escapes the pipeline.
 */
class MultistreamFuzzTest {
    private static final DecoderFuzz MESSAGES = DecoderFuzz.of("multistream messages", 64 * 1024, 64,
            Libp2pException.class);
    private static final DecoderFuzz RESPONDER = DecoderFuzz.of("multistream responder",
            FuzzChannels.FIXED_BYTES, FuzzChannels.PER_INPUT_BYTE);
    private static QuietLog quiet;

    @BeforeContainer
    static void quiet() {
        quiet = QuietLog.of(MultistreamHandler.class);
    }

    @AfterContainer
    static void summary() {
        quiet.close();
        System.out.println(MESSAGES.summary());
        System.out.println(RESPONDER.summary());
    }

    @Provide
    Arbitrary<byte[]> negotiations() {
        return FuzzInputs.mutationsOf(List.of(
                encode(MultistreamCodec.HEADER, "/noise"),
                encode(MultistreamCodec.HEADER, MultistreamCodec.LIST, "/yamux/1.0.0"),
                encode(MultistreamCodec.HEADER, "/tls/1.0.0", "/noise"),
                encode(MultistreamCodec.HEADER, "x".repeat(MultistreamCodec.MAX_MESSAGE_BYTES - 1))), 8192);
    }

    @Property
    void anyBytesAreMessagesOrAProtocolError(@ForAll("negotiations") byte[] input) {
        MESSAGES.check(input, bytes -> {
            ByteBuf in = Unpooled.wrappedBuffer(bytes);
            String text;
            while ((text = MultistreamCodec.read(in)) != null) {
                assertTrue(text.length() < MultistreamCodec.MAX_MESSAGE_BYTES);
            }
        });
    }

    @Property
    void writtenMessagesReadBackAsTheirText(@ForAll("texts") List<String> texts) {
        byte[] wire = encode(texts.toArray(String[]::new));
        MESSAGES.check(wire, bytes -> {
            ByteBuf in = Unpooled.wrappedBuffer(bytes);
            for (String text : texts) {
                assertEquals(text, MultistreamCodec.read(in));
            }
            assertFalse(in.isReadable());
        });
    }

    @Provide
    Arbitrary<List<String>> texts() {
        return Arbitraries.strings().ofMaxLength(300)
                .filter(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s))
                .list().ofMaxSize(5);
    }

    @Property
    void aResponderSelectsFailsOrWaits(@ForAll("negotiations") byte[] input, @ForAll long chunking) {
        RESPONDER.check(input, bytes -> {
            EmbeddedChannel channel = FuzzChannels.channel();
            Promise<String> selected = channel.eventLoop().newPromise();
            channel.pipeline().addLast(new MultistreamHandler(
                    MultistreamNegotiation.responder(Set.of("/noise")::contains), selected));
            try {
                FuzzChannels.writeUntilClosed(channel, bytes, chunking);
                if (selected.isSuccess()) {
                    assertEquals("/noise", selected.getNow());
                } else if (selected.isDone()) {
                    assertInstanceOf(Libp2pException.class, selected.cause());
                    assertFalse(channel.isOpen(), "a failed negotiation closes its connection");
                }
            } finally {
                channel.finishAndReleaseAll();
            }
        });
    }

    private static byte[] encode(String... texts) {
        ByteBuf out = MultistreamCodec.encode(ByteBufAllocator.DEFAULT, texts);
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
