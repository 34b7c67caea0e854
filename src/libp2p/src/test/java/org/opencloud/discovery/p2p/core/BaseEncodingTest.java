package org.opencloud.discovery.p2p.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opencloud.discovery.p2p.core.SpecVectors.hex;

/**
 * Base58 and Base32 against the multibase test vectors ("yes mani !"), plus leading zeros; Base58 against its
 * definition (a '1' per leading zero byte, then the bytes as one big-endian number in base 58).
 */
class BaseEncodingTest {
    private static final byte[] YES_MANI = "yes mani !".getBytes(StandardCharsets.US_ASCII);
    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    @Test
    void base58btc() {
        assertEquals("7paNL19xttacUY", Base58.encode(YES_MANI));
        assertArrayEquals(YES_MANI, Base58.decode("7paNL19xttacUY"));
        assertEquals("11", Base58.encode(new byte[2]));
        assertArrayEquals(hex("0000ff"), Base58.decode(Base58.encode(hex("0000ff"))));
        assertArrayEquals(new byte[0], Base58.decode(""));
        assertThrows(Libp2pException.class, () -> Base58.decode("0OIl"));
    }

    @Property
    void base58IsOnePerLeadingZeroThenTheNumberInBase58(@ForAll("bytesWithLeadingZeros") byte[] data) {
        StringBuilder expected = new StringBuilder();
        for (BigInteger n = new BigInteger(1, data); n.signum() > 0; n = n.divide(BigInteger.valueOf(58))) {
            expected.append(ALPHABET.charAt(n.mod(BigInteger.valueOf(58)).intValue()));
        }
        for (int i = 0; i < data.length && data[i] == 0; i++) {
            expected.append('1');
        }
        String text = Base58.encode(data);
        assertEquals(expected.reverse().toString(), text);
        assertArrayEquals(data, Base58.decode(text));
    }

    /** Every base58 text is the encoding of what it decodes to: a peer id keeps the text it was read from. */
    @Property
    void base58TextIsTheOneFormOfItsBytes(@ForAll("base58Texts") String text) {
        assertEquals(text, Base58.encode(Base58.decode(text)));
    }

    @Provide
    Arbitrary<byte[]> bytesWithLeadingZeros() {
        return Arbitraries.integers().between(0, 4).flatMap(zeros -> Arbitraries.bytes().array(byte[].class)
                .ofMaxSize(64).map(rest -> {
                    byte[] data = new byte[zeros + rest.length];
                    System.arraycopy(rest, 0, data, zeros, rest.length);
                    return data;
                }));
    }

    @Provide
    Arbitrary<String> base58Texts() {
        return Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMaxLength(90);
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
