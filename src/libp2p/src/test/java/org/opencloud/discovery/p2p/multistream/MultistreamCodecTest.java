package org.opencloud.discovery.p2p.multistream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Libp2pException;

class MultistreamCodecTest {
    static final String HEADER_HEX = "13" + "2f6d756c746973747265616d2f312e302e30" + "0a";
    static final String NOISE_HEX = "07" + "2f6e6f697365" + "0a";
    static final String YAMUX_HEX = "0d" + "2f79616d75782f312e302e30" + "0a";
    static final String NA_HEX = "03" + "6e61" + "0a";

    @Test
    void encodesSpecVectors() {
        assertEquals(HEADER_HEX, encodeHex(MultistreamCodec.HEADER));
        assertEquals(NOISE_HEX, encodeHex("/noise"));
        assertEquals(YAMUX_HEX, encodeHex("/yamux/1.0.0"));
        assertEquals(NA_HEX, encodeHex(MultistreamCodec.NOT_AVAILABLE));
        assertEquals("036c730a", encodeHex(MultistreamCodec.LIST));
        assertEquals("0b2f746c732f312e302e300a", encodeHex("/tls/1.0.0"));
    }

    @Test
    void encodesSeveralMessagesIntoOneBuffer() {
        assertEquals(HEADER_HEX + NOISE_HEX, encodeHex(MultistreamCodec.HEADER, "/noise"));
    }

    @Test
    void readsConsecutiveMessagesAndLeavesTheRest() {
        ByteBuf in = hex(HEADER_HEX + YAMUX_HEX + "05ab");
        try {
            assertEquals("/multistream/1.0.0", MultistreamCodec.read(in));
            assertEquals("/yamux/1.0.0", MultistreamCodec.read(in));
            assertNull(MultistreamCodec.read(in), "a 5-byte message with 1 byte present is incomplete");
            assertEquals("05ab", ByteBufUtil.hexDump(in));
        } finally {
            in.release();
        }
    }

    @Test
    void incompleteMessageConsumesNothing() {
        String full = HEADER_HEX;
        for (int hexChars = 0; hexChars < full.length(); hexChars += 2) {
            ByteBuf in = hex(full.substring(0, hexChars));
            try {
                assertNull(MultistreamCodec.read(in));
                assertEquals(0, in.readerIndex());
            } finally {
                in.release();
            }
        }
    }

    @Test
    void acceptsMessageOfExactly1024Bytes() {
        String text = "/" + "a".repeat(1022);
        ByteBuf encoded = MultistreamCodec.encode(ByteBufAllocator.DEFAULT, text);
        try {
            assertEquals("8008", ByteBufUtil.hexDump(encoded, 0, 2));
            assertEquals(1026, encoded.readableBytes());
            assertEquals(text, MultistreamCodec.read(encoded));
        } finally {
            encoded.release();
        }
    }

    @Test
    void rejectsMessageOver1024Bytes() {
        // length 1025 = 81 08, then 1024 text bytes and the newline
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(new byte[] {(byte) 0x81, 0x08});
        in.writeBytes("a".repeat(1024).getBytes());
        in.writeByte('\n');
        try {
            Libp2pException e = assertThrows(Libp2pException.class, () -> MultistreamCodec.read(in));
            assertEquals("multistream message of 1025 bytes exceeds 1024", e.getMessage());
        } finally {
            in.release();
        }
    }

    @Test
    void rejectsOverlongLengthPrefixWithoutWaitingForMoreBytes() {
        ByteBuf in = hex("ffff");
        try {
            Libp2pException e = assertThrows(Libp2pException.class, () -> MultistreamCodec.read(in));
            assertTrue(e.getMessage().contains("exceeds 1024"), e.getMessage());
        } finally {
            in.release();
        }
    }

    @Test
    void refusesToEncodeOversizedText() {
        assertThrows(Libp2pException.class,
                () -> MultistreamCodec.encode(ByteBufAllocator.DEFAULT, "a".repeat(1024)));
    }

    @Test
    void rejectsMissingNewline() {
        assertReadFails("036e6178", "multistream message does not end with a newline");
    }

    @Test
    void rejectsEmptyMessage() {
        assertReadFails("00", "multistream message is empty (missing trailing newline)");
    }

    @Test
    void rejectsNonMinimalVarint() {
        assertReadFails("8300" + "6e610a", "varint is not minimally encoded");
    }

    @Test
    void rejectsInvalidUtf8() {
        assertReadFails("03ff6e0a", "multistream message is not valid UTF-8");
    }

    private static void assertReadFails(String inputHex, String expectedMessage) {
        ByteBuf in = hex(inputHex);
        try {
            Libp2pException e = assertThrows(Libp2pException.class, () -> MultistreamCodec.read(in));
            assertEquals(expectedMessage, e.getMessage());
        } finally {
            in.release();
        }
    }

    static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    private static String encodeHex(String... texts) {
        ByteBuf encoded = MultistreamCodec.encode(ByteBufAllocator.DEFAULT, texts);
        try {
            return ByteBufUtil.hexDump(encoded);
        } finally {
            encoded.release();
        }
    }
}
