package org.opencloud.discovery.p2p.pnet;

import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.Libp2pException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A private network's pre-shared key (PSK v1) and its {@code swarm.key} file form:
 * <pre>
 * /key/swarm/psk/1.0.0/
 * /base16/
 * 64 hex digits
 * </pre>
 * Reading accepts the {@code /base16/}, {@code /base64/} and {@code /bin/} encodings go-libp2p reads; writing
 * always uses base16, the only form js-libp2p reads. {@link #toString()} shows the fingerprint, never the key.
 */
public final class SwarmKey {
    public static final String HEADER = "/key/swarm/psk/1.0.0/";
    public static final int KEY_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] key;

    private SwarmKey(byte[] key) {
        this.key = key;
    }

    /** A fresh random key. */
    public static SwarmKey generate() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return new SwarmKey(key);
    }

    /** The key with these 32 bytes. */
    public static SwarmKey of(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new Libp2pException("swarm key must be " + KEY_BYTES + " bytes, got " + key.length);
        }
        return new SwarmKey(key.clone());
    }

    /** Reads a {@code swarm.key} file. */
    public static SwarmKey read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Libp2pException("cannot read swarm key " + file + ": " + e, e);
        }
        try {
            return parse(content);
        } catch (Libp2pException e) {
            throw new Libp2pException("swarm key " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the content of a {@code swarm.key} file. Line ends may be {@code \n} or {@code \r\n}; the key must
     * decode to exactly 32 bytes. For {@code /bin/} the raw key may be followed by one line end only.
     */
    public static SwarmKey parse(byte[] content) {
        int[] at = {0};
        String header = readLine(content, at);
        if (!HEADER.equals(header)) {
            throw new Libp2pException("not a PSK v1 swarm key: first line must be " + HEADER);
        }
        String encoding = readLine(content, at);
        byte[] rest = Arrays.copyOfRange(content, at[0], content.length);
        byte[] key = switch (encoding) {
            case "/base16/" -> decodeText(rest, "base16", text -> HEX.parseHex(text));
            case "/base64/" -> decodeText(rest, "base64", text -> Base64.getDecoder().decode(text));
            case "/bin/" -> withoutLineEnd(rest);
            default -> throw new Libp2pException("unknown swarm key encoding '" + encoding
                    + "': expected /base16/, /base64/ or /bin/");
        };
        if (key.length != KEY_BYTES) {
            throw new Libp2pException("swarm key must be " + KEY_BYTES + " bytes, got " + key.length);
        }
        return new SwarmKey(key);
    }

    /** The base16 file form: header, {@code /base16/}, lower-case hex, each line ending in {@code \n}. */
    public byte[] encode() {
        return (HEADER + "\n/base16/\n" + HEX.formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes the base16 form to a new file with mode 0600.
     *
     * @throws Libp2pException if the file exists: a network key is never overwritten silently
     */
    public void write(Path file) {
        KeyFiles.writePrivate(file, encode());
    }

    /**
     * The first 8 bytes of SHA-256 of the key, in hex: safe to log and compare between peers (the same value
     * jspeer's {@code gen-psk.mjs} prints).
     */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HEX.formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The raw key, for the cipher only; kept inside this package so it cannot end up in logs elsewhere. */
    byte[] keyBytes() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SwarmKey other && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return fingerprint().hashCode();
    }

    @Override
    public String toString() {
        return "SwarmKey[fingerprint " + fingerprint() + "]";
    }

    private interface TextDecoder {
        byte[] decode(String text);
    }

    private static byte[] decodeText(byte[] rest, String encoding, TextDecoder decoder) {
        String text = new String(rest, StandardCharsets.US_ASCII).strip();
        try {
            return decoder.decode(text);
        } catch (IllegalArgumentException e) {
            throw new Libp2pException("swarm key is not valid " + encoding + ": " + e.getMessage(), e);
        }
    }

    /** One header line without its {@code \n} or {@code \r\n}, as go's codec trims it. */
    private static String readLine(byte[] content, int[] at) {
        int start = at[0];
        int end = start;
        while (end < content.length && content[end] != '\n') {
            end++;
        }
        if (end == content.length) {
            throw new Libp2pException("swarm key is truncated: expected a header line ending in a newline");
        }
        at[0] = end + 1;
        int trimmed = end;
        while (trimmed > start && content[trimmed - 1] == '\r') {
            trimmed--;
        }
        return new String(content, start, trimmed - start, StandardCharsets.US_ASCII);
    }

    private static byte[] withoutLineEnd(byte[] raw) {
        if (raw.length == KEY_BYTES + 1 && raw[KEY_BYTES] == '\n') {
            return Arrays.copyOf(raw, KEY_BYTES);
        }
        if (raw.length == KEY_BYTES + 2 && raw[KEY_BYTES] == '\r' && raw[KEY_BYTES + 1] == '\n') {
            return Arrays.copyOf(raw, KEY_BYTES);
        }
        return raw;
    }
}
