package org.opencloud.discovery.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Varint;

/**
 * Framing of multistream-select messages: {@code uvarint(n + 1) ‖ UTF-8 text (n bytes) ‖ 0x0a}, where
 * the length counts the trailing newline.
 */
public final class MultistreamCodec {
    /** The protocol id of multistream-select itself, sent first by both sides. */
    public static final String HEADER = "/multistream/1.0.0";
    /** The responder's answer to a protocol it does not support. */
    public static final String NOT_AVAILABLE = "na";
    /** A request to list protocols; we never send it and answer it with {@link #NOT_AVAILABLE}. */
    public static final String LIST = "ls";
    /** Largest accepted length prefix (text plus newline), as go and js enforce. */
    public static final int MAX_MESSAGE_BYTES = 1024;

    private static final byte NEWLINE = '\n';

    private MultistreamCodec() {
    }

    /** Appends one message carrying {@code text} to {@code out}. */
    public static void write(ByteBuf out, String text) {
        int textBytes = ByteBufUtil.utf8Bytes(text);
        if (textBytes + 1 > MAX_MESSAGE_BYTES) {
            throw new Libp2pException("multistream message longer than " + MAX_MESSAGE_BYTES + " bytes: "
                    + abbreviate(text));
        }
        Varint.write(out, textBytes + 1);
        ByteBufUtil.writeUtf8(out, text);
        out.writeByte(NEWLINE);
    }

    /**
     * Encodes {@code texts} as consecutive messages in one buffer, so that header and proposal leave
     * in a single write (go and js expect them together and some peers time out otherwise).
     * The caller owns the returned buffer.
     */
    public static ByteBuf encode(ByteBufAllocator alloc, String... texts) {
        ByteBuf out = alloc.buffer();
        try {
            for (String text : texts) {
                write(out, text);
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Reads one message from {@code in}. When {@code in} does not yet hold a whole message nothing is
     * consumed and {@code null} is returned; otherwise exactly that message is consumed.
     *
     * @throws Libp2pException on a non-minimal varint, a length over {@link #MAX_MESSAGE_BYTES}, a
     *         missing trailing newline or text that is not UTF-8
     */
    public static String read(ByteBuf in) {
        rejectOverlongPrefixEarly(in);
        int start = in.readerIndex();
        long length = Varint.read(in);
        if (length == Varint.INCOMPLETE) {
            return null;
        }
        if (length > MAX_MESSAGE_BYTES) {
            throw new Libp2pException("multistream message of " + length + " bytes exceeds "
                    + MAX_MESSAGE_BYTES);
        }
        if (length == 0) {
            throw new Libp2pException("multistream message is empty (missing trailing newline)");
        }
        if (in.readableBytes() < length) {
            in.readerIndex(start);
            return null;
        }
        int textStart = in.readerIndex();
        int textLength = (int) length - 1;
        if (in.getByte(textStart + textLength) != NEWLINE) {
            throw new Libp2pException("multistream message does not end with a newline");
        }
        String text = decodeUtf8(in, textStart, textLength);
        in.skipBytes((int) length);
        return text;
    }

    /**
     * A length up to 1024 fits in two varint bytes; failing as soon as the second byte says "more
     * follow" means garbage (for instance under a wrong pnet key) is rejected without waiting for
     * bytes the peer may never send.
     */
    private static void rejectOverlongPrefixEarly(ByteBuf in) {
        int start = in.readerIndex();
        if (in.readableBytes() >= 2 && (in.getByte(start) & 0x80) != 0 && (in.getByte(start + 1) & 0x80) != 0) {
            throw new Libp2pException("multistream message length prefix exceeds " + MAX_MESSAGE_BYTES
                    + " bytes");
        }
    }

    private static String decodeUtf8(ByteBuf in, int index, int length) {
        ByteBuffer bytes = in.nioBufferCount() == 1 ? in.nioBuffer(index, length)
                : ByteBuffer.wrap(ByteBufUtil.getBytes(in, index, length));
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Libp2pException("multistream message is not valid UTF-8", e);
        }
    }

    /** Shortens peer-supplied text for error messages and logs. */
    static String abbreviate(String text) {
        return text.length() <= 64 ? "'" + text + "'" : "'" + text.substring(0, 64) + "…'";
    }
}
