package org.opencloud.discovery.p2p.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opencloud.discovery.p2p.core.SpecVectors.hex;

class VarintTest {

    @ParameterizedTest
    @CsvSource({"1,01", "127,7f", "128,8001", "255,ff01", "300,ac02", "16384,808001", "0,00"})
    void encodesAndDecodesTheUnsignedVarintExamples(long value, String encoded) {
        assertArrayEquals(hex(encoded), Varint.encode(value));
        assertEquals(encoded.length() / 2, Varint.size(value));
        assertEquals(value, Varint.read(hex(encoded), new int[] {0}));
        ByteBuf buf = Unpooled.buffer();
        try {
            Varint.write(buf, value);
            assertArrayEquals(hex(encoded), ByteBufUtil.getBytes(buf));
            assertEquals(value, Varint.read(buf));
            assertEquals(0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Test
    void largestNineByteValueRoundTrips() {
        long max = Long.MAX_VALUE;
        assertEquals(Varint.MAX_BYTES, Varint.encode(max).length);
        assertEquals(max, Varint.read(Varint.encode(max), new int[] {0}));
    }

    @Test
    void rejectsNonMinimalEncoding() {
        assertThrows(Libp2pException.class, () -> Varint.read(hex("8100"), new int[] {0}));
        ByteBuf buf = Unpooled.wrappedBuffer(hex("8100"));
        try {
            assertThrows(Libp2pException.class, () -> Varint.read(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void rejectsMoreThanNineBytes() {
        byte[] tenBytes = hex("ffffffffffffffffff01");
        assertThrows(Libp2pException.class, () -> Varint.read(tenBytes, new int[] {0}));
        ByteBuf buf = Unpooled.wrappedBuffer(tenBytes);
        try {
            assertThrows(Libp2pException.class, () -> Varint.read(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void incompleteBufferConsumesNothing() {
        ByteBuf buf = Unpooled.wrappedBuffer(hex("8080"));
        try {
            assertEquals(Varint.INCOMPLETE, Varint.read(buf));
            assertEquals(0, buf.readerIndex());
        } finally {
            buf.release();
        }
        assertThrows(Libp2pException.class, () -> Varint.read(hex("80"), new int[] {0}));
    }

    @Test
    void readAdvancesTheOffset() {
        int[] at = {1};
        assertEquals(300, Varint.read(hex("ffac0201"), at));
        assertEquals(3, at[0]);
    }
}
