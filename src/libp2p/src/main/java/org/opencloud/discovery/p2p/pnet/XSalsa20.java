package org.opencloud.discovery.p2p.pnet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The XSalsa20 keystream (HSalsa20 subkey, then Salsa20/20 from block 0), XORed into heap or direct
 * memory, in place or into another buffer, running on across calls of any length. Written for the
 * private-network layer's hot path, where it is most of a PSK connection's CPU:
 * <ul>
 * <li>the keystream is made {@value #LANES} blocks at a time, each Salsa20 step one loop over the
 * blocks' words (word {@code w} of every block side by side in {@code lanes[w]}), which C2 turns into
 * SIMD instructions: about 3.5× the speed of one block at a time (AVX-512, Java 17 and 25 alike);</li>
 * <li>the data is copied in bulk into a scratch array, XORed there in a loop C2 also vectorizes, and
 * copied in bulk into the destination.</li>
 * </ul>
 * The lanes and the data scratch are shared per thread; an instance keeps one batch of keystream
 * ({@value #LANES} × 64 bytes). Not thread-safe: one instance per direction of one connection.
 */
final class XSalsa20 {
    /** Blocks per batch: fewer leave the SIMD loops' set-up and tails a large share of the time. */
    static final int LANES = 256;
    private static final int BATCH_BYTES = LANES * 64;
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574}; // "expand 32-byte k"
    private static final VarHandle LE_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<int[][]> LANE_SCRATCH = ThreadLocal.withInitial(() -> new int[16][LANES]);
    private static final ThreadLocal<byte[]> DATA_SCRATCH = ThreadLocal.withInitial(() -> new byte[BATCH_BYTES]);

    /** The Salsa20 input block; words 8 and 9 (the block counter) are kept in {@link #counter}. */
    private final int[] input = new int[16];
    private long counter;
    /** One batch of keystream: block {@code l} is {@code keystream[64l..64l+63]}. */
    private final byte[] keystream = new byte[BATCH_BYTES];
    /** Keystream bytes of the batch already used; {@code BATCH_BYTES} when a new batch is due. */
    private int used = BATCH_BYTES;

    XSalsa20(byte[] key, byte[] nonce) {
        if (key.length != 32 || nonce.length != 24) {
            throw new IllegalArgumentException("XSalsa20 needs a 32-byte key and a 24-byte nonce");
        }
        // HSalsa20(key, nonce[0..16]) gives the Salsa20 key; nonce[16..24] is the Salsa20 nonce.
        int[] h = new int[16];
        setup(h, key, le32(nonce, 0), le32(nonce, 4), le32(nonce, 8), le32(nonce, 12));
        int[][] lanes = LANE_SCRATCH.get();
        for (int w = 0; w < 16; w++) {
            lanes[w][0] = h[w];
        }
        rounds(lanes); // every lane though only lane 0 is wanted: once per connection, and no second copy of the rounds
        byte[] subkey = new byte[32];
        int[] picked = {0, 5, 10, 15, 6, 7, 8, 9};
        for (int i = 0; i < 8; i++) {
            putLe32(subkey, 4 * i, lanes[picked[i]][0]);
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
        byte[] data = DATA_SCRATCH.get();
        byte[] ks = keystream;
        while (src.hasRemaining()) {
            if (used == BATCH_BYTES) {
                nextBatch();
            }
            int n = Math.min(src.remaining(), BATCH_BYTES - used);
            // Bulk copies in and out, and a plain array loop that C2 vectorizes (one index for both arrays,
            // so it needs no proof that they differ): much cheaper than getLong/putLong on the buffers.
            int from = used;
            int to = from + n;
            src.get(data, from, n);
            for (int i = from; i < to; i++) {
                data[i] ^= ks[i];
            }
            dst.put(data, from, n);
            used += n;
        }
    }

    /** The next {@value #LANES} blocks of keystream into {@link #keystream}. */
    private void nextBatch() {
        int[][] lanes = LANE_SCRATCH.get();
        for (int w = 0; w < 16; w++) {
            Arrays.fill(lanes[w], input[w]);
        }
        int[] x0 = lanes[0], x1 = lanes[1], x2 = lanes[2], x3 = lanes[3], x4 = lanes[4], x5 = lanes[5];
        int[] x6 = lanes[6], x7 = lanes[7], x8 = lanes[8], x9 = lanes[9], x10 = lanes[10], x11 = lanes[11];
        int[] x12 = lanes[12], x13 = lanes[13], x14 = lanes[14], x15 = lanes[15];
        for (int l = 0; l < LANES; l++) { // 64-bit block counter in words 8 and 9
            x8[l] = (int) (counter + l);
            x9[l] = (int) ((counter + l) >>> 32);
        }
        rounds(lanes);
        byte[] ks = keystream;
        for (int l = 0, o = 0; l < LANES; l++, o += 64) {
            long block = counter + l;
            putPair(ks, o, x0[l] + input[0], x1[l] + input[1]);
            putPair(ks, o + 8, x2[l] + input[2], x3[l] + input[3]);
            putPair(ks, o + 16, x4[l] + input[4], x5[l] + input[5]);
            putPair(ks, o + 24, x6[l] + input[6], x7[l] + input[7]);
            putPair(ks, o + 32, x8[l] + (int) block, x9[l] + (int) (block >>> 32));
            putPair(ks, o + 40, x10[l] + input[10], x11[l] + input[11]);
            putPair(ks, o + 48, x12[l] + input[12], x13[l] + input[13]);
            putPair(ks, o + 56, x14[l] + input[14], x15[l] + input[15]);
        }
        counter += LANES;
        used = 0;
    }

    /** The 20 Salsa20 rounds of every lane's block, in place, without the final addition. */
    private static void rounds(int[][] lanes) {
        // One call per double round: C2 compiles a method invoked this often soon, where a single call per
        // batch would run for seconds in on-stack-replacement code entered at one inner loop or another.
        for (int i = 0; i < 10; i++) {
            doubleRound(lanes);
        }
    }

    /** A column round then a row round, on every lane's block. */
    private static void doubleRound(int[][] lanes) {
        int[] x0 = lanes[0], x1 = lanes[1], x2 = lanes[2], x3 = lanes[3], x4 = lanes[4], x5 = lanes[5];
        int[] x6 = lanes[6], x7 = lanes[7], x8 = lanes[8], x9 = lanes[9], x10 = lanes[10], x11 = lanes[11];
        int[] x12 = lanes[12], x13 = lanes[13], x14 = lanes[14], x15 = lanes[15];
        // column round
        for (int l = 0; l < LANES; l++) x4[l] ^= Integer.rotateLeft(x0[l] + x12[l], 7);
        for (int l = 0; l < LANES; l++) x8[l] ^= Integer.rotateLeft(x4[l] + x0[l], 9);
        for (int l = 0; l < LANES; l++) x12[l] ^= Integer.rotateLeft(x8[l] + x4[l], 13);
        for (int l = 0; l < LANES; l++) x0[l] ^= Integer.rotateLeft(x12[l] + x8[l], 18);
        for (int l = 0; l < LANES; l++) x9[l] ^= Integer.rotateLeft(x5[l] + x1[l], 7);
        for (int l = 0; l < LANES; l++) x13[l] ^= Integer.rotateLeft(x9[l] + x5[l], 9);
        for (int l = 0; l < LANES; l++) x1[l] ^= Integer.rotateLeft(x13[l] + x9[l], 13);
        for (int l = 0; l < LANES; l++) x5[l] ^= Integer.rotateLeft(x1[l] + x13[l], 18);
        for (int l = 0; l < LANES; l++) x14[l] ^= Integer.rotateLeft(x10[l] + x6[l], 7);
        for (int l = 0; l < LANES; l++) x2[l] ^= Integer.rotateLeft(x14[l] + x10[l], 9);
        for (int l = 0; l < LANES; l++) x6[l] ^= Integer.rotateLeft(x2[l] + x14[l], 13);
        for (int l = 0; l < LANES; l++) x10[l] ^= Integer.rotateLeft(x6[l] + x2[l], 18);
        for (int l = 0; l < LANES; l++) x3[l] ^= Integer.rotateLeft(x15[l] + x11[l], 7);
        for (int l = 0; l < LANES; l++) x7[l] ^= Integer.rotateLeft(x3[l] + x15[l], 9);
        for (int l = 0; l < LANES; l++) x11[l] ^= Integer.rotateLeft(x7[l] + x3[l], 13);
        for (int l = 0; l < LANES; l++) x15[l] ^= Integer.rotateLeft(x11[l] + x7[l], 18);
        // row round
        for (int l = 0; l < LANES; l++) x1[l] ^= Integer.rotateLeft(x0[l] + x3[l], 7);
        for (int l = 0; l < LANES; l++) x2[l] ^= Integer.rotateLeft(x1[l] + x0[l], 9);
        for (int l = 0; l < LANES; l++) x3[l] ^= Integer.rotateLeft(x2[l] + x1[l], 13);
        for (int l = 0; l < LANES; l++) x0[l] ^= Integer.rotateLeft(x3[l] + x2[l], 18);
        for (int l = 0; l < LANES; l++) x6[l] ^= Integer.rotateLeft(x5[l] + x4[l], 7);
        for (int l = 0; l < LANES; l++) x7[l] ^= Integer.rotateLeft(x6[l] + x5[l], 9);
        for (int l = 0; l < LANES; l++) x4[l] ^= Integer.rotateLeft(x7[l] + x6[l], 13);
        for (int l = 0; l < LANES; l++) x5[l] ^= Integer.rotateLeft(x4[l] + x7[l], 18);
        for (int l = 0; l < LANES; l++) x11[l] ^= Integer.rotateLeft(x10[l] + x9[l], 7);
        for (int l = 0; l < LANES; l++) x8[l] ^= Integer.rotateLeft(x11[l] + x10[l], 9);
        for (int l = 0; l < LANES; l++) x9[l] ^= Integer.rotateLeft(x8[l] + x11[l], 13);
        for (int l = 0; l < LANES; l++) x10[l] ^= Integer.rotateLeft(x9[l] + x8[l], 18);
        for (int l = 0; l < LANES; l++) x12[l] ^= Integer.rotateLeft(x15[l] + x14[l], 7);
        for (int l = 0; l < LANES; l++) x13[l] ^= Integer.rotateLeft(x12[l] + x15[l], 9);
        for (int l = 0; l < LANES; l++) x14[l] ^= Integer.rotateLeft(x13[l] + x12[l], 13);
        for (int l = 0; l < LANES; l++) x15[l] ^= Integer.rotateLeft(x14[l] + x13[l], 18);
    }

    /** Two keystream words, little-endian, at {@code ks[offset..offset+7]}. */
    private static void putPair(byte[] ks, int offset, int low, int high) {
        LE_LONGS.set(ks, offset, (low & 0xffffffffL) | (long) high << 32);
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
