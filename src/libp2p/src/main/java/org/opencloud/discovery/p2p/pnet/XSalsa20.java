package org.opencloud.discovery.p2p.pnet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The XSalsa20 keystream (HSalsa20 subkey, then Salsa20/20 from block 0), XORed into heap or direct
 * memory, in place or into another buffer, running on across calls of any length. Written for the
 * private-network layer's hot path: whole blocks are XORed eight bytes at a time straight in the
 * buffers' memory, where BouncyCastle's engine goes byte by byte through heap arrays (and so needs a
 * copy for Netty's direct buffers). Not thread-safe: one instance per direction of one connection.
 */
final class XSalsa20 {
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574}; // "expand 32-byte k"
    private static final int BLOCK = 64;

    private final int[] input = new int[16];
    private final int[] state = new int[16];
    /** The current block's keystream, as bytes (for a partial block) and as little-endian longs. */
    private final byte[] block = new byte[BLOCK];
    private final long[] blockLongs = new long[BLOCK / 8];
    /** Keystream bytes of the current block already used; {@code BLOCK} when a new block is due. */
    private int used = BLOCK;

    XSalsa20(byte[] key, byte[] nonce) {
        if (key.length != 32 || nonce.length != 24) {
            throw new IllegalArgumentException("XSalsa20 needs a 32-byte key and a 24-byte nonce");
        }
        // HSalsa20(key, nonce[0..16]) gives the Salsa20 key; nonce[16..24] is the Salsa20 nonce.
        int[] h = new int[16];
        setup(h, key, le32(nonce, 0), le32(nonce, 4), le32(nonce, 8), le32(nonce, 12));
        rounds(h, h);
        byte[] subkey = new byte[32];
        int[] picked = {h[0], h[5], h[10], h[15], h[6], h[7], h[8], h[9]};
        for (int i = 0; i < 8; i++) {
            putLe32(subkey, 4 * i, picked[i]);
        }
        setup(input, subkey, le32(nonce, 16), le32(nonce, 20), 0, 0);
    }

    /**
     * XORs the remaining bytes of {@code src} into {@code dst} (at least as many remaining; the two may
     * view the same memory), advancing both. Works on NIO views of a buffer's memory, not on the
     * {@link io.netty.buffer.ByteBuf} itself, whose per-access bookkeeping (e.g. leak tracking) would
     * cost more than the cipher.
     */
    void xor(ByteBuffer src, ByteBuffer dst) {
        src.order(ByteOrder.LITTLE_ENDIAN);
        dst.order(ByteOrder.LITTLE_ENDIAN);
        while (src.hasRemaining() && used < BLOCK) {
            dst.put((byte) (src.get() ^ block[used++]));
        }
        while (src.remaining() >= BLOCK) {
            nextBlock();
            for (int i = 0; i < BLOCK / 8; i++) {
                dst.putLong(src.getLong() ^ blockLongs[i]);
            }
        }
        if (src.hasRemaining()) {
            nextBlock();
            used = 0;
            while (src.hasRemaining()) {
                dst.put((byte) (src.get() ^ block[used++]));
            }
        }
    }

    private void nextBlock() {
        rounds(input, state);
        for (int i = 0; i < 16; i++) {
            state[i] += input[i];
        }
        for (int i = 0; i < BLOCK / 8; i++) {
            blockLongs[i] = (state[2 * i] & 0xffffffffL) | ((long) state[2 * i + 1] << 32);
        }
        for (int i = 0; i < 16; i++) {
            putLe32(block, 4 * i, state[i]);
        }
        used = BLOCK;
        if (++input[8] == 0) { // 64-bit block counter in words 8 and 9
            input[9]++;
        }
    }

    private static void setup(int[] s, byte[] key, int n0, int n1, int n2, int n3) {
        s[0] = SIGMA[0];
        s[5] = SIGMA[1];
        s[10] = SIGMA[2];
        s[15] = SIGMA[3];
        for (int i = 0; i < 4; i++) {
            s[1 + i] = le32(key, 4 * i);
            s[11 + i] = le32(key, 16 + 4 * i);
        }
        s[6] = n0;
        s[7] = n1;
        s[8] = n2;
        s[9] = n3;
    }

    /** The 20 Salsa20 rounds of {@code in} into {@code out}, without the final addition. */
    private static void rounds(int[] in, int[] out) {
        int x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3], x4 = in[4], x5 = in[5], x6 = in[6], x7 = in[7];
        int x8 = in[8], x9 = in[9], x10 = in[10], x11 = in[11], x12 = in[12], x13 = in[13], x14 = in[14], x15 = in[15];
        for (int i = 0; i < 10; i++) {
            x4 ^= Integer.rotateLeft(x0 + x12, 7);
            x8 ^= Integer.rotateLeft(x4 + x0, 9);
            x12 ^= Integer.rotateLeft(x8 + x4, 13);
            x0 ^= Integer.rotateLeft(x12 + x8, 18);
            x9 ^= Integer.rotateLeft(x5 + x1, 7);
            x13 ^= Integer.rotateLeft(x9 + x5, 9);
            x1 ^= Integer.rotateLeft(x13 + x9, 13);
            x5 ^= Integer.rotateLeft(x1 + x13, 18);
            x14 ^= Integer.rotateLeft(x10 + x6, 7);
            x2 ^= Integer.rotateLeft(x14 + x10, 9);
            x6 ^= Integer.rotateLeft(x2 + x14, 13);
            x10 ^= Integer.rotateLeft(x6 + x2, 18);
            x3 ^= Integer.rotateLeft(x15 + x11, 7);
            x7 ^= Integer.rotateLeft(x3 + x15, 9);
            x11 ^= Integer.rotateLeft(x7 + x3, 13);
            x15 ^= Integer.rotateLeft(x11 + x7, 18);

            x1 ^= Integer.rotateLeft(x0 + x3, 7);
            x2 ^= Integer.rotateLeft(x1 + x0, 9);
            x3 ^= Integer.rotateLeft(x2 + x1, 13);
            x0 ^= Integer.rotateLeft(x3 + x2, 18);
            x6 ^= Integer.rotateLeft(x5 + x4, 7);
            x7 ^= Integer.rotateLeft(x6 + x5, 9);
            x4 ^= Integer.rotateLeft(x7 + x6, 13);
            x5 ^= Integer.rotateLeft(x4 + x7, 18);
            x11 ^= Integer.rotateLeft(x10 + x9, 7);
            x8 ^= Integer.rotateLeft(x11 + x10, 9);
            x9 ^= Integer.rotateLeft(x8 + x11, 13);
            x10 ^= Integer.rotateLeft(x9 + x8, 18);
            x12 ^= Integer.rotateLeft(x15 + x14, 7);
            x13 ^= Integer.rotateLeft(x12 + x15, 9);
            x14 ^= Integer.rotateLeft(x13 + x12, 13);
            x15 ^= Integer.rotateLeft(x14 + x13, 18);
        }
        out[0] = x0;
        out[1] = x1;
        out[2] = x2;
        out[3] = x3;
        out[4] = x4;
        out[5] = x5;
        out[6] = x6;
        out[7] = x7;
        out[8] = x8;
        out[9] = x9;
        out[10] = x10;
        out[11] = x11;
        out[12] = x12;
        out[13] = x13;
        out[14] = x14;
        out[15] = x15;
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    private static void putLe32(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) (v >>> 16);
        b[i + 3] = (byte) (v >>> 24);
    }
}
