package org.opencloud.discovery.p2p.core;

import java.math.BigInteger;
import java.util.Arrays;

/** base58btc (the bitcoin alphabet), the legacy text form of peer ids. */
public final class Base58 {
    private static final char[] ALPHABET =
            "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
    private static final int[] INDEX = new int[128];
    private static final BigInteger BASE = BigInteger.valueOf(58);

    static {
        Arrays.fill(INDEX, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            INDEX[ALPHABET[i]] = i;
        }
    }

    private Base58() {
    }

    public static String encode(byte[] data) {
        int zeros = 0;
        while (zeros < data.length && data[zeros] == 0) {
            zeros++;
        }
        StringBuilder sb = new StringBuilder();
        BigInteger n = new BigInteger(1, data);
        while (n.signum() > 0) {
            BigInteger[] qr = n.divideAndRemainder(BASE);
            sb.append(ALPHABET[qr[1].intValue()]);
            n = qr[0];
        }
        for (int i = 0; i < zeros; i++) {
            sb.append(ALPHABET[0]);
        }
        return sb.reverse().toString();
    }

    public static byte[] decode(String text) {
        BigInteger n = BigInteger.ZERO;
        int zeros = 0;
        boolean leading = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int digit = c < 128 ? INDEX[c] : -1;
            if (digit < 0) {
                throw new Libp2pException("invalid base58 character '" + c + "' at " + i);
            }
            if (leading && digit == 0) {
                zeros++;
            } else {
                leading = false;
            }
            n = n.multiply(BASE).add(BigInteger.valueOf(digit));
        }
        byte[] body = n.signum() == 0 ? new byte[0] : n.toByteArray();
        int strip = body.length > 1 && body[0] == 0 ? 1 : 0;
        byte[] out = new byte[zeros + body.length - strip];
        System.arraycopy(body, strip, out, zeros, body.length - strip);
        return out;
    }
}
