package org.opencloud.discovery.p2p.pnet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.Libp2pException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwarmKeyTest {
    private static final String HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private static final byte[] KEY = HexFormat.of().parseHex(HEX);

    @Test
    void parsesAllThreeEncodingsToTheSameKey() {
        SwarmKey base16 = SwarmKey.parse(ascii("/key/swarm/psk/1.0.0/\n/base16/\n" + HEX + "\n"));
        SwarmKey upperCrlf = SwarmKey.parse(ascii("/key/swarm/psk/1.0.0/\r\n/base16/\r\n" + HEX.toUpperCase() + "\r\n"));
        SwarmKey base64 = SwarmKey.parse(ascii("/key/swarm/psk/1.0.0/\n/base64/\n"
                + Base64.getEncoder().encodeToString(KEY) + "\n"));
        byte[] header = ascii("/key/swarm/psk/1.0.0/\n/bin/\n");
        byte[] bin = new byte[header.length + KEY.length];
        System.arraycopy(header, 0, bin, 0, header.length);
        System.arraycopy(KEY, 0, bin, header.length, KEY.length);
        SwarmKey raw = SwarmKey.parse(bin);
        for (SwarmKey key : new SwarmKey[] {base16, upperCrlf, base64, raw}) {
            assertArrayEquals(KEY, key.keyBytes());
            assertEquals(SwarmKey.of(KEY), key);
        }
    }

    @Test
    void writesLowerCaseBase16WithTrailingNewline() {
        assertEquals("/key/swarm/psk/1.0.0/\n/base16/\n" + HEX + "\n",
                new String(SwarmKey.of(KEY).encode(), StandardCharsets.US_ASCII));
    }

    @Test
    void rejectsBadHeaderEncodingAndLength() {
        assertMessage("first line", () -> SwarmKey.parse(ascii("/key/swarm/psk/2.0.0/\n/base16/\n" + HEX + "\n")));
        assertMessage("unknown swarm key encoding", () -> SwarmKey.parse(ascii("/key/swarm/psk/1.0.0/\n/base32/\n" + HEX)));
        assertMessage("32 bytes, got 31", () -> SwarmKey.parse(ascii("/key/swarm/psk/1.0.0/\n/base16/\n"
                + HEX.substring(2) + "\n")));
        assertMessage("32 bytes, got 33", () -> SwarmKey.parse(ascii("/key/swarm/psk/1.0.0/\n/base16/\n"
                + HEX + "ff\n")));
        assertMessage("not valid base16", () -> SwarmKey.parse(ascii("/key/swarm/psk/1.0.0/\n/base16/\n"
                + HEX.replace('a', 'x') + "\n")));
        assertMessage("truncated", () -> SwarmKey.parse(ascii("/key/swarm/psk/1.0.0/")));
        assertMessage("32 bytes, got 31", () -> SwarmKey.of(new byte[31]));
    }

    @Test
    void fingerprintIsTheFirstEightBytesOfSha256() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(KEY);
        SwarmKey key = SwarmKey.of(KEY);
        assertEquals(HexFormat.of().formatHex(digest, 0, 8), key.fingerprint());
        assertEquals(16, key.fingerprint().length());
        assertTrue(key.toString().contains(key.fingerprint()));
        assertFalse(key.toString().contains(HEX.substring(0, 8)));
    }

    @Test
    void generatesDistinctKeys() {
        assertNotEquals(SwarmKey.generate(), SwarmKey.generate());
    }

    @Test
    void writesOwnerOnlyFileThatReadsBackAndIsNeverOverwritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("conf/swarm.key");
        SwarmKey key = SwarmKey.generate();
        key.write(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(key, SwarmKey.read(file));
        assertThrows(Libp2pException.class, () -> SwarmKey.generate().write(file));
        assertEquals(key, SwarmKey.read(file));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable parse) {
        Libp2pException e = assertThrows(Libp2pException.class, parse);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
