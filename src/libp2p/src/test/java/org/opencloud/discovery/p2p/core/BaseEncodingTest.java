package org.opencloud.discovery.p2p.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opencloud.discovery.p2p.core.SpecVectors.hex;

/** Base58 and Base32 against the multibase test vectors ("yes mani !"), plus leading zeros. */
class BaseEncodingTest {
    private static final byte[] YES_MANI = "yes mani !".getBytes(StandardCharsets.US_ASCII);

    @Test
    void base58btc() {
        assertEquals("7paNL19xttacUY", Base58.encode(YES_MANI));
        assertArrayEquals(YES_MANI, Base58.decode("7paNL19xttacUY"));
        assertEquals("11", Base58.encode(new byte[2]));
        assertArrayEquals(hex("0000ff"), Base58.decode(Base58.encode(hex("0000ff"))));
        assertArrayEquals(new byte[0], Base58.decode(""));
        assertThrows(Libp2pException.class, () -> Base58.decode("0OIl"));
    }

    @Test
    void base32LowerCaseNoPadding() {
        assertEquals("pfsxgidnmfxgsibb", Base32.encode(YES_MANI));
        assertArrayEquals(YES_MANI, Base32.decode("pfsxgidnmfxgsibb"));
        assertArrayEquals(YES_MANI, Base32.decode("PFSXGIDNMFXGSIBB"));
        assertEquals("", Base32.encode(new byte[0]));
        assertThrows(Libp2pException.class, () -> Base32.decode("pfsx1"));
    }
}
