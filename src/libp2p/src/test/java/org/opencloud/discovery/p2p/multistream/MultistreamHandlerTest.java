package org.opencloud.discovery.p2p.multistream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.HEADER_HEX;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.NA_HEX;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.NOISE_HEX;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MultistreamHandlerTest {
    private static final String TLS_HEX = "0b2f746c732f312e302e300a";
    /** Stands for Noise message 1 pipelined behind the proposal: a 2-byte length and 32 key bytes. */
    private static final String NOISE_MESSAGE_1_HEX = "0020" + "11".repeat(32);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Promise<String> selected = channel.eventLoop().newPromise();

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    @Test
    void responderPassesPipelinedBytesToTheNextHandler() {
        BytesRecorder next = new BytesRecorder();
        channel.pipeline().addLast("multistream", responder());
        channel.pipeline().addLast("next", next);
        assertEquals(HEADER_HEX, readOutboundHex(), "go's order: our header goes out at once");

        channel.writeInbound(hex(HEADER_HEX + TLS_HEX + NOISE_HEX + NOISE_MESSAGE_1_HEX));

        assertEquals(NA_HEX + NOISE_HEX, readOutboundHex());
        assertEquals("/noise", selected.getNow());
        assertEquals(NOISE_MESSAGE_1_HEX, next.received.toString());
        assertNull(channel.pipeline().get("multistream"), "the handler removed itself");
        assertTrue(channel.isOpen());
    }

    @Test
    void handlerAddedByThePromiseListenerGetsTheLeftoverBytes() {
        BytesRecorder next = new BytesRecorder();
        selected.addListener(f -> channel.pipeline().addLast("noise", next));
        channel.pipeline().addLast("multistream", responder());
        readOutboundHex();

        channel.writeInbound(hex(HEADER_HEX + NOISE_HEX + NOISE_MESSAGE_1_HEX));

        assertEquals(NOISE_HEX, readOutboundHex());
        assertEquals(NOISE_MESSAGE_1_HEX, next.received.toString());
    }

    @Test
    void initiatorSendsOneBufferAndSelectsOnEcho() {
        BytesRecorder next = new BytesRecorder();
        channel.pipeline().addLast(initiator(false), next);
        assertEquals(HEADER_HEX + NOISE_HEX, readOutboundHex());
        assertNull(channel.readOutbound(), "header and proposal leave in a single write");

        for (byte b : ByteBufUtil.decodeHexDump(HEADER_HEX + NOISE_HEX + NOISE_MESSAGE_1_HEX)) {
            channel.writeInbound(channel.alloc().buffer(1).writeByte(b));
        }

        assertEquals("/noise", selected.getNow());
        assertEquals(NOISE_MESSAGE_1_HEX, next.received.toString());
    }

    @Test
    void startsOnChannelActiveWhenAddedBeforeRegistration() throws Exception {
        EmbeddedChannel inactive = new EmbeddedChannel(false, false);
        try {
            Promise<String> result = ImmediateEventExecutor.INSTANCE.newPromise();
            inactive.pipeline().addLast(new MultistreamHandler(
                    MultistreamNegotiation.initiator(List.of("/noise")), result));
            assertNull(inactive.readOutbound());
            inactive.register();
            ByteBuf sent = inactive.readOutbound();
            try {
                assertEquals(HEADER_HEX + NOISE_HEX, ByteBufUtil.hexDump(sent));
            } finally {
                sent.release();
            }
        } finally {
            inactive.finishAndReleaseAll();
        }
    }

    @Test
    void wrongFirstMessageFailsAndCloses() {
        channel.pipeline().addLast(responder());
        readOutboundHex();

        channel.writeInbound(hex(NOISE_HEX));

        assertEquals("expected /multistream/1.0.0, got '/noise'", selected.cause().getMessage());
        assertFalse(channel.isOpen());
    }

    @Test
    void noCommonProtocolFailsAndCloses() {
        channel.pipeline().addLast(initiator(false));
        readOutboundHex();

        channel.writeInbound(hex(HEADER_HEX + NA_HEX));

        assertEquals("protocol not supported: [/noise]", selected.cause().getMessage());
        assertFalse(channel.isOpen());
    }

    @Test
    void invalidFirstMessageUnderPnetPointsAtThePsk() {
        channel.pipeline().addLast(initiator(true));
        readOutboundHex();

        channel.writeInbound(hex("9ef3c2a7"));

        assertTrue(selected.cause().getMessage().startsWith(
                "first multistream message invalid under pnet: PSK mismatch likely"), selected.cause().getMessage());
        assertFalse(channel.isOpen());
    }

    @Test
    void laterViolationUnderPnetIsNotBlamedOnThePsk() {
        channel.pipeline().addLast(initiator(true));
        readOutboundHex();

        channel.writeInbound(hex(HEADER_HEX + "036e6178"));

        assertEquals("multistream message does not end with a newline", selected.cause().getMessage());
    }

    @Test
    void timeoutFailsAndCloses() {
        channel.freezeTime();
        channel.pipeline().addLast(responder());
        readOutboundHex();

        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(selected.isDone());
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertEquals("multistream negotiation timed out after PT10S", selected.cause().getMessage());
        assertFalse(channel.isOpen());
    }

    @Test
    void closeDuringNegotiationFailsThePromise() {
        channel.pipeline().addLast(responder());
        readOutboundHex();

        channel.close();

        assertEquals("connection closed during multistream negotiation", selected.cause().getMessage());
    }

    private MultistreamHandler responder() {
        return new MultistreamHandler(MultistreamNegotiation.responder(Set.of("/noise")::contains), selected);
    }

    private MultistreamHandler initiator(boolean pnetActive) {
        return new MultistreamHandler(MultistreamNegotiation.initiator(List.of("/noise")), selected,
                Duration.ofSeconds(10), pnetActive);
    }

    private String readOutboundHex() {
        ByteBuf sent = channel.readOutbound();
        try {
            return ByteBufUtil.hexDump(sent);
        } finally {
            sent.release();
        }
    }

    /** Stands for the next protocol's handler: records what reaches it and releases it. */
    private static final class BytesRecorder extends ChannelInboundHandlerAdapter {
        final StringBuilder received = new StringBuilder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            try {
                received.append(ByteBufUtil.hexDump(bytes));
            } finally {
                bytes.release();
            }
        }
    }
}
