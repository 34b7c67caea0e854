package org.opencloud.discovery.p2p.multistream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.HEADER_HEX;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.NA_HEX;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.mux.RecordingMuxedStream;

class MultistreamMuxedStreamTest {
    /** {@code /ipfs/ping/1.0.0} framed. */
    private static final String PING_HEX = "112f697066732f70696e672f312e302e300a";
    private static final String KAD_HEX = "102f697066732f6b61642f312e302e300a";
    private static final String PING_PAYLOAD_HEX = "ab".repeat(32);

    /** Only lends its event loop, which runs scheduled tasks under test control. */
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final RecordingMuxedStream stream = new RecordingMuxedStream(3, loop.eventLoop());
    private final StringBuilder delivered = new StringBuilder();

    @AfterEach
    void finish() {
        loop.finishAndReleaseAll();
    }

    @Test
    void responderHandsLeftoverBytesToTheSelectedProtocol() {
        Future<String> selected = negotiateAsResponder();
        assertEquals(HEADER_HEX, stream.written());

        // go's lazy initiator: header, proposal and the ping payload in one write, split across frames
        String input = HEADER_HEX + KAD_HEX + PING_HEX + PING_PAYLOAD_HEX;
        stream.listener().onData(stream, hex(input.substring(0, 22)));
        stream.listener().onData(stream, hex(input.substring(22)));

        assertEquals(HEADER_HEX + NA_HEX + PING_HEX, stream.written());
        assertEquals("/ipfs/ping/1.0.0", selected.getNow());
        assertEquals(PING_PAYLOAD_HEX, delivered.toString());
    }

    @Test
    void violationResetsTheStream() {
        Future<String> selected = negotiateAsResponder();

        stream.listener().onData(stream, hex(PING_HEX));

        assertEquals("expected /multistream/1.0.0, got '/ipfs/ping/1.0.0'", selected.cause().getMessage());
        assertTrue(stream.wasReset());
    }

    @Test
    void timeoutResetsTheStream() {
        loop.freezeTime();
        Future<String> selected = negotiateAsResponder();

        loop.advanceTimeBy(2, TimeUnit.SECONDS);
        loop.runScheduledPendingTasks();

        assertEquals("multistream negotiation timed out after PT1S", selected.cause().getMessage());
        assertTrue(stream.wasReset());
    }

    @Test
    void remoteCloseBeforeSelectionFails() {
        Future<String> selected = negotiateAsResponder();

        stream.listener().onRemoteClose(stream);

        assertFalse(selected.isSuccess());
        assertEquals("stream closed during multistream negotiation", selected.cause().getMessage());
    }

    @Test
    void lazyInitiatorHandsTheAnswerBehindTheEchoToTheProtocolInOrder() {
        Future<String> selected = negotiateAsInitiator();
        assertEquals(HEADER_HEX + PING_HEX, stream.written());

        // the responder's header, echo and the first answer bytes in one frame, the rest in the next
        stream.listener().onData(stream, hex(HEADER_HEX + PING_HEX + "0102"));
        stream.listener().onData(stream, hex("0304"));

        assertEquals("/ipfs/ping/1.0.0", selected.getNow());
        assertEquals("01020304", delivered.toString());
        assertFalse(stream.wasReset());
    }

    @Test
    void initiatorFailsWhenTheResponderClosesAfterItsHeader() {
        Future<String> selected = negotiateAsInitiator();

        stream.listener().onData(stream, hex(HEADER_HEX));
        stream.listener().onRemoteClose(stream);

        assertEquals("stream closed during multistream negotiation", selected.cause().getMessage());
        assertTrue(stream.wasReset());
        assertEquals("", delivered.toString());
    }

    @Test
    void initiatorFailsOnNaAndSendsNothingMore() {
        Future<String> selected = negotiateAsInitiator();

        stream.listener().onData(stream, hex(HEADER_HEX + NA_HEX));

        assertEquals("protocol not supported: [/ipfs/ping/1.0.0]", selected.cause().getMessage());
        assertTrue(stream.wasReset());
        assertEquals(HEADER_HEX + PING_HEX, stream.written());
    }

    private Future<String> negotiateAsInitiator() {
        Future<String> selected = MuxedStreamNegotiator.negotiate(stream,
                MultistreamNegotiation.initiator(List.of("/ipfs/ping/1.0.0")),
                ByteBufAllocator.DEFAULT, Duration.ofSeconds(1), protocol -> new Recorder());
        loop.runPendingTasks();
        return selected;
    }

    private Future<String> negotiateAsResponder() {
        Future<String> selected = MuxedStreamNegotiator.negotiate(stream,
                MultistreamNegotiation.responder(Set.of("/ipfs/ping/1.0.0")::contains),
                ByteBufAllocator.DEFAULT, Duration.ofSeconds(1), protocol -> new Recorder());
        loop.runPendingTasks();
        return selected;
    }

    private final class Recorder implements MuxedStream.Listener {
        @Override
        public void onData(MuxedStream s, ByteBuf data) {
            try {
                delivered.append(ByteBufUtil.hexDump(data));
            } finally {
                data.release();
            }
        }

        @Override
        public void onRemoteClose(MuxedStream s) {
        }

        @Override
        public void onReset(MuxedStream s, Throwable cause) {
        }
    }
}
