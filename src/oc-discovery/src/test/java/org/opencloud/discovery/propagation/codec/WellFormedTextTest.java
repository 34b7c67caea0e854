package org.opencloud.discovery.propagation.codec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.opencloud.discovery.propagation.PropagationException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The byte scans that read eight bytes at a time answer as a scan of one byte at a time would, wherever in a word
 * (or in the tail past the last whole word) the byte that matters falls.
 */
class WellFormedTextTest {

    @Property
    void bytesAreRefusedExactlyWhenTheyAreNotUtf8(@ForAll("texts") byte[] bytes) {
        boolean utf8;
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            utf8 = true;
        } catch (CharacterCodingException e) {
            utf8 = false;
        }
        boolean accepted;
        try {
            WellFormedText.requireUtf8(bytes, "text");
            accepted = true;
        } catch (PropagationException e) {
            accepted = false;
        }
        assertEquals(utf8, accepted, Arrays.toString(bytes));
    }

    @Property
    void anEscapedUIsFoundWhereverItIs(@ForAll("texts") byte[] bytes) {
        boolean escapes = false;
        for (int i = 0; i + 1 < bytes.length; i++) {
            escapes |= bytes[i] == '\\' && bytes[i + 1] == 'u';
        }
        assertEquals(escapes, WellFormedText.mayEscapeSurrogates(bytes), Arrays.toString(bytes));
    }

    /** Mostly ASCII, with backslashes, u, and the bytes of two-byte forms, valid or cut, anywhere. */
    @Provide
    Arbitrary<byte[]> texts() {
        return Arbitraries.of((byte) 'a', (byte) '"', (byte) '\\', (byte) 'u', (byte) 0xC3, (byte) 0xA9, (byte) 0x80)
                .array(byte[].class).ofMaxSize(40);
    }
}
