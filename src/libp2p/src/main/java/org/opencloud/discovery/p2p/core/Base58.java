package org.opencloud.discovery.p2p.core;

import java.util.Arrays;

/** base58btc (the bitcoin alphabet), the legacy text form of peer ids. */
public final class Base58 {
    private static final char[] ALPHABET =
            "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
    private static final int[] INDEX = new int[128];

    static {
        Arrays.fill(INDEX, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            INDEX[ALPHABET[i]] = i;
        }
    }

    private Base58() {
    }

    /**
     * Base conversion digit by digit on a byte array: peer ids are parsed at every delivery, and BigInteger's
     * division allocated at every digit (6 % of a sending node's CPU, JFR).
     */
    public static String encode(byte[] data) {
        int zeros = 0;
        while (zeros < data.length && data[zeros] == 0) {
            zeros++;
        }
        // log(256) / log(58) is 1.37: digits needed for the bytes after the zeros, one more for rounding
        byte[] digits = new byte[(data.length - zeros) * 138 / 100 + 1];
        int used = 0; // digits written so far, at the end of the array
        for (int i = zeros; i < data.length; i++) {
            int carry = data[i] & 0xff;
            int k = digits.length - 1;
            for (int n = 0; (carry != 0 || n < used) && k >= 0; k--, n++) {
                carry += 256 * digits[k];
                digits[k] = (byte) (carry % 58);
                carry /= 58;
            }
            used = digits.length - 1 - k;
        }
        int first = digits.length - used;
        while (first < digits.length && digits[first] == 0) {
            first++;
        }
        char[] out = new char[zeros + digits.length - first];
        Arrays.fill(out, 0, zeros, ALPHABET[0]);
        for (int i = first; i < digits.length; i++) {
            out[zeros + i - first] = ALPHABET[digits[i]];
        }
        return new String(out);
    }

    public static byte[] decode(String text) {
        int zeros = 0;
        while (zeros < text.length() && text.charAt(zeros) == ALPHABET[0]) {
            zeros++;
        }
        // log(58) / log(256) is 0.733
        byte[] bytes = new byte[(text.length() - zeros) * 733 / 1000 + 1];
        int used = 0;
        for (int i = zeros; i < text.length(); i++) {
            char c = text.charAt(i);
            int carry = c < 128 ? INDEX[c] : -1;
            if (carry < 0) {
                throw new Libp2pException("invalid base58 character '" + c + "' at " + i);
            }
            int k = bytes.length - 1;
            for (int n = 0; (carry != 0 || n < used) && k >= 0; k--, n++) {
                carry += 58 * (bytes[k] & 0xff);
                bytes[k] = (byte) carry;
                carry >>>= 8;
            }
            used = bytes.length - 1 - k;
        }
        int first = bytes.length - used;
        while (first < bytes.length && bytes[first] == 0) {
            first++;
        }
        byte[] out = new byte[zeros + bytes.length - first];
        System.arraycopy(bytes, first, out, zeros, bytes.length - first);
        return out;
    }
}
