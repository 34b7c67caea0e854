package org.opencloud.discovery.p2p.multistream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.HEADER_HEX;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.NA_HEX;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.NOISE_HEX;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.YAMUX_HEX;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodecTest.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Libp2pException;

class MultistreamNegotiationTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final String TLS_HEX = "0b2f746c732f312e302e300a";
    private static final String APP_DATA_HEX = "0000002a";

    @Test
    void initiatorStartsWithHeaderAndFirstProposalInOneBuffer() {
        MultistreamNegotiation initiator = MultistreamNegotiation.initiator(List.of("/noise", "/tls/1.0.0"));
        assertEquals(HEADER_HEX + NOISE_HEX, drain(initiator.start(ALLOC)));
        assertTrue(initiator.isInitiator());
    }

    @Test
    void responderStartsWithItsHeaderAtOnce() {
        MultistreamNegotiation responder = MultistreamNegotiation.responder(Set.of("/noise")::contains);
        assertEquals(HEADER_HEX, drain(responder.start(ALLOC)));
        assertFalse(responder.isInitiator());
    }

    @Test
    void initiatorAndResponderConverge() {
        MultistreamNegotiation initiator = MultistreamNegotiation.initiator(List.of("/mplex/6.7.0", "/yamux/1.0.0"));
        MultistreamNegotiation responder = MultistreamNegotiation.responder(Set.of("/yamux/1.0.0")::contains);
        ByteBuf toResponder = initiator.start(ALLOC);
        ByteBuf toInitiator = responder.start(ALLOC);
        try {
            for (int round = 0; round < 5 && !(initiator.isDone() && responder.isDone()); round++) {
                ByteBuf fromResponder = responder.onRead(toResponder, ALLOC).output();
                ByteBuf fromInitiator = initiator.onRead(toInitiator, ALLOC).output();
                toResponder = append(toResponder, fromInitiator);
                toInitiator = append(toInitiator, fromResponder);
            }
            assertEquals("/yamux/1.0.0", initiator.selectedProtocol());
            assertEquals("/yamux/1.0.0", responder.selectedProtocol());
            assertFalse(toResponder.isReadable());
            assertFalse(toInitiator.isReadable());
        } finally {
            toResponder.release();
            toInitiator.release();
        }
    }

    @Test
    void responderRejectsTlsThenAcceptsNoiseInGoOrder() {
        MultistreamNegotiation responder = MultistreamNegotiation.responder(Set.of("/noise")::contains);
        drain(responder.start(ALLOC));
        MultistreamNegotiation.Step first = read(responder, HEADER_HEX + TLS_HEX);
        assertEquals(NA_HEX, drain(first.output()));
        assertFalse(first.isDone());
        MultistreamNegotiation.Step second = read(responder, NOISE_HEX);
        assertEquals(NOISE_HEX, drain(second.output()));
        assertEquals("/noise", second.selectedProtocol());
    }

    @Test
    void responderHandlesPipelinedHeaderProposalsAndAppData() {
        MultistreamNegotiation responder = MultistreamNegotiation.responder(Set.of("/noise")::contains);
        drain(responder.start(ALLOC));
        ByteBuf in = hex(HEADER_HEX + TLS_HEX + NOISE_HEX + APP_DATA_HEX);
        try {
            MultistreamNegotiation.Step step = responder.onRead(in, ALLOC);
            assertEquals(NA_HEX + NOISE_HEX, drain(step.output()));
            assertEquals("/noise", step.selectedProtocol());
            assertEquals(APP_DATA_HEX, ByteBufUtil.hexDump(in), "application bytes stay unread");
        } finally {
            in.release();
        }
    }

    @Test
    void initiatorLeavesAppDataAfterTheEcho() {
        MultistreamNegotiation initiator = MultistreamNegotiation.initiator(List.of("/noise"));
        drain(initiator.start(ALLOC));
        ByteBuf in = hex(HEADER_HEX + NOISE_HEX + APP_DATA_HEX);
        try {
            MultistreamNegotiation.Step step = initiator.onRead(in, ALLOC);
            assertNull(step.output());
            assertEquals("/noise", step.selectedProtocol());
            assertEquals(APP_DATA_HEX, ByteBufUtil.hexDump(in));
        } finally {
            in.release();
        }
    }

    @Test
    void initiatorAcceptsHeaderAndAnswerInSeparateSegments() {
        MultistreamNegotiation initiator = MultistreamNegotiation.initiator(List.of("/tls/1.0.0", "/noise"));
        drain(initiator.start(ALLOC));
        MultistreamNegotiation.Step afterHeader = read(initiator, HEADER_HEX);
        assertNull(afterHeader.output());
        assertTrue(initiator.isHeaderReceived());
        MultistreamNegotiation.Step afterNa = read(initiator, NA_HEX);
        assertEquals(NOISE_HEX, drain(afterNa.output()), "the next proposal follows a na");
        assertEquals("/noise", read(initiator, NOISE_HEX).selectedProtocol());
    }

    @Test
    void bothRolesTolerateByteByByteDelivery() {
        MultistreamNegotiation initiator = MultistreamNegotiation.initiator(List.of("/tls/1.0.0", "/noise"));
        drain(initiator.start(ALLOC));
        assertEquals(NOISE_HEX + "|/noise|" + APP_DATA_HEX,
                feedByteByByte(initiator, HEADER_HEX + NA_HEX + NOISE_HEX + APP_DATA_HEX));

        MultistreamNegotiation responder = MultistreamNegotiation.responder(Set.of("/noise")::contains);
        drain(responder.start(ALLOC));
        assertEquals(NA_HEX + NOISE_HEX + "|/noise|" + APP_DATA_HEX,
                feedByteByByte(responder, HEADER_HEX + TLS_HEX + NOISE_HEX + APP_DATA_HEX));
    }

    @Test
    void responderAnswersLsWithNa() {
        MultistreamNegotiation responder = MultistreamNegotiation.responder(Set.of("/noise")::contains);
        drain(responder.start(ALLOC));
        MultistreamNegotiation.Step step = read(responder, HEADER_HEX + "036c730a");
        assertEquals(NA_HEX, drain(step.output()));
        assertFalse(step.isDone());
    }

    @Test
    void responderRejectsProposalBeforeHeader() {
        MultistreamNegotiation responder = MultistreamNegotiation.responder(Set.of("/noise")::contains);
        drain(responder.start(ALLOC));
        Libp2pException e = assertThrows(Libp2pException.class, () -> read(responder, NOISE_HEX));
        assertEquals("expected /multistream/1.0.0, got '/noise'", e.getMessage());
        assertFalse(responder.isHeaderReceived());
    }

    @Test
    void initiatorRejectsWrongFirstMessage() {
        MultistreamNegotiation initiator = MultistreamNegotiation.initiator(List.of("/noise"));
        drain(initiator.start(ALLOC));
        Libp2pException e = assertThrows(Libp2pException.class, () -> read(initiator, NA_HEX));
        assertEquals("expected /multistream/1.0.0, got 'na'", e.getMessage());
    }

    @Test
    void initiatorFailsClearlyWhenNoProtocolIsShared() {
        MultistreamNegotiation initiator = MultistreamNegotiation.initiator(List.of("/tls/1.0.0", "/noise"));
        drain(initiator.start(ALLOC));
        Libp2pException e = assertThrows(Libp2pException.class,
                () -> read(initiator, HEADER_HEX + NA_HEX + NA_HEX));
        assertEquals("protocol not supported: [/tls/1.0.0, /noise]", e.getMessage());
        assertThrows(IllegalStateException.class, () -> read(initiator, NA_HEX), "a failed negotiation stays failed");
    }

    @Test
    void initiatorRejectsAnAnswerThatIsNeitherEchoNorNa() {
        MultistreamNegotiation initiator = MultistreamNegotiation.initiator(List.of("/noise"));
        drain(initiator.start(ALLOC));
        Libp2pException e = assertThrows(Libp2pException.class, () -> read(initiator, HEADER_HEX + YAMUX_HEX));
        assertEquals("unexpected answer '/yamux/1.0.0' to proposal /noise", e.getMessage());
    }

    @Test
    void responderRejectsOversizedProposal() {
        MultistreamNegotiation responder = MultistreamNegotiation.responder(p -> true);
        drain(responder.start(ALLOC));
        ByteBuf in = hex(HEADER_HEX + "8108");
        in = append(in, Unpooled.wrappedBuffer(("/" + "a".repeat(1023) + "\n").getBytes()));
        ByteBuf input = in;
        try {
            Libp2pException e = assertThrows(Libp2pException.class, () -> responder.onRead(input, ALLOC));
            assertEquals("multistream message of 1025 bytes exceeds 1024", e.getMessage());
        } finally {
            input.release();
        }
    }

    /** Feeds {@code inputHex} one byte at a time, keeping unread bytes as a transport would. */
    private static String feedByteByByte(MultistreamNegotiation negotiation, String inputHex) {
        byte[] input = ByteBufUtil.decodeHexDump(inputHex);
        ByteBuf cumulation = Unpooled.buffer();
        StringBuilder written = new StringBuilder();
        try {
            String selected = null;
            int i = 0;
            while (selected == null && i < input.length) {
                cumulation.writeByte(input[i++]);
                MultistreamNegotiation.Step step = negotiation.onRead(cumulation, ALLOC);
                if (step.output() != null) {
                    written.append(drain(step.output()));
                }
                selected = step.selectedProtocol();
            }
            cumulation.writeBytes(input, i, input.length - i);
            return written + "|" + selected + "|" + ByteBufUtil.hexDump(cumulation);
        } finally {
            cumulation.release();
        }
    }

    private static MultistreamNegotiation.Step read(MultistreamNegotiation negotiation, String inputHex) {
        ByteBuf in = hex(inputHex);
        try {
            MultistreamNegotiation.Step step = negotiation.onRead(in, ALLOC);
            assertFalse(in.isReadable(), "whole input consumed");
            return step;
        } finally {
            in.release();
        }
    }

    private static ByteBuf append(ByteBuf target, ByteBuf more) {
        if (more == null) {
            return target;
        }
        try {
            ByteBuf joined = Unpooled.buffer().writeBytes(target).writeBytes(more);
            target.release();
            return joined;
        } finally {
            more.release();
        }
    }

    private static String drain(ByteBuf buf) {
        try {
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }
}
