package org.opencloud.discovery.propagation.codec;

import com.fasterxml.jackson.databind.JsonNode;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Text that has one exact UTF-8 form, or a MALFORMED_JSON rejection. Jackson reads some invalid
 * UTF-8 (overlong forms, encoded surrogates, code points beyond U+10FFFF) as other characters and
 * accepts escapes of unpaired surrogates (U+D800 to U+DFFF), which UTF-8 writers then turn into
 * {@code ?}: what a node passes on must be what it was given.
 */
final class WellFormedText {

    private static final int CHUNK_CHARS = 4096;
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;
    private static final long BACKSLASHES = ONES * '\\';

    private WellFormedText() {
    }

    /**
     * Refuses bytes that are not UTF-8; decodes in chunks so a large body costs no copy, and only from the first
     * byte that is not ASCII (ASCII is UTF-8, and most messages are nothing else).
     */
    static void requireUtf8(byte[] bytes, String what) {
        int ascii = asciiPrefix(bytes);
        if (ascii == bytes.length) {
            return;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes, ascii, bytes.length - ascii);
        CharBuffer out = CharBuffer.allocate(CHUNK_CHARS);
        CoderResult result = decoder.decode(in, out, true);
        while (result.isOverflow()) {
            out.clear();
            result = decoder.decode(in, out, true);
        }
        if (result.isError()) {
            throw new PropagationException(Reason.MALFORMED_JSON,
                    what + " is not valid UTF-8 at byte " + in.position());
        }
    }

    /**
     * False when UTF-8 JSON text holds no backslash-u escape: its strings then have no unpaired surrogate (UTF-8 has
     * no form for one), and {@link #requirePairedSurrogates} need not walk the tree read from it.
     */
    static boolean mayEscapeSurrogates(byte[] utf8Json) {
        int i = 0;
        // a backslash is rare in JSON: eight bytes at a time, a word without one is passed over
        for (; i + Long.BYTES <= utf8Json.length; i += Long.BYTES) {
            long backslashesZeroed = (long) WORDS.get(utf8Json, i) ^ BACKSLASHES;
            if (((backslashesZeroed - ONES) & ~backslashesZeroed & HIGH_BITS) != 0 && escapesU(utf8Json, i, i + Long.BYTES)) {
                return true;
            }
        }
        return escapesU(utf8Json, i, utf8Json.length);
    }

    /** Whether a backslash at {@code from} (inclusive) to {@code to} (exclusive) is followed by a u. */
    private static boolean escapesU(byte[] utf8Json, int from, int to) {
        for (int i = from; i < to && i + 1 < utf8Json.length; i++) {
            if (utf8Json[i] == '\\' && utf8Json[i + 1] == 'u') {
                return true;
            }
        }
        return false;
    }

    /** The number of ASCII bytes {@code bytes} starts with, read eight at a time. */
    private static int asciiPrefix(byte[] bytes) {
        int i = 0;
        while (i + Long.BYTES <= bytes.length && ((long) WORDS.get(bytes, i) & HIGH_BITS) == 0) {
            i += Long.BYTES;
        }
        while (i < bytes.length && bytes[i] >= 0) {
            i++;
        }
        return i;
    }

    /** Refuses a tree with an unpaired surrogate in a field name or a string; returns it otherwise. */
    static JsonNode requirePairedSurrogates(JsonNode tree, String what) {
        // a loop, not recursion: the tree's depth is the sender's choice
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(tree);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isTextual()) {
                requirePairedSurrogates(node.textValue(), what);
            } else if (node.isObject()) {
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    requirePairedSurrogates(field.getKey(), what);
                    pending.push(field.getValue());
                }
            } else if (node.isArray()) {
                node.forEach(pending::push);
            }
        }
        return tree;
    }

    private static void requirePairedSurrogates(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new PropagationException(Reason.MALFORMED_JSON, String.format(
                        "%s has an unpaired surrogate \\u%04x, which has no UTF-8 form", what, (int) c));
            }
        }
    }
}
