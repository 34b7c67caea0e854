package org.opencloud.discovery.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Inputs for a decoder: a fifth arbitrary bytes, the rest valid messages (the seeds, written by our own
 * encoders) with one to four mutations stacked: bit flips, bytes set to boundary values, a 1-, 2-, 4- or
 * 8-byte field (either byte order) or a varint overwritten with an extreme (0, 0x7F, 0x80, 0xFF, 2^31, 2^32 -
 * 1, 2^63 - 1...), truncations, deletions, insertions of random bytes, a range repeated (up to {@code
 * maxLength}: inputs that are large and still well formed), and splices of two seeds. Every input comes from
 * jqwik's random source, so a failing one is reproduced by its seed.
 */
public final class FuzzInputs {
    private static final long[] EXTREMES = {0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
            0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MAX_VALUE, -1};
    private static final int MUTATIONS = 11;

    private FuzzInputs() {
    }

    /** Arbitrary bytes and mutations of {@code seeds}, none longer than {@code maxLength}. */
    public static Arbitrary<byte[]> mutationsOf(List<byte[]> seeds, int maxLength) {
        List<byte[]> copies = seeds.stream().map(byte[]::clone).toList();
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(Math.min(maxLength, 512));
        Arbitrary<byte[]> mutated = Arbitraries.randomValue(r -> mutate(r, copies, maxLength));
        return Arbitraries.frequencyOf(
                Tuple.of(1, random),
                Tuple.of(4, mutated));
    }

    static byte[] mutate(Random r, List<byte[]> seeds, int maxLength) {
        byte[] out = seeds.get(r.nextInt(seeds.size())).clone();
        int rounds = 1 + r.nextInt(4);
        if (r.nextInt(20) == 0) {
            return out; // the valid seed itself, now and then
        }
        for (int i = 0; i < rounds; i++) {
            out = mutateOnce(r, out, seeds, maxLength);
        }
        return out.length > maxLength ? Arrays.copyOf(out, maxLength) : out;
    }

    private static byte[] mutateOnce(Random r, byte[] in, List<byte[]> seeds, int maxLength) {
        int n = in.length;
        switch (r.nextInt(MUTATIONS)) {
            case 0 -> { // flip one bit
                if (n > 0) {
                    in[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
                }
                return in;
            }
            case 1 -> { // one byte to a boundary value
                if (n > 0) {
                    in[r.nextInt(n)] = (byte) EXTREMES[r.nextInt(EXTREMES.length)];
                }
                return in;
            }
            case 2 -> { // a big- or little-endian field of 1, 2, 4 or 8 bytes to an extreme (a length, an id)
                int width = 1 << r.nextInt(4);
                if (n >= width) {
                    writeField(in, r.nextInt(n - width + 1), width, EXTREMES[r.nextInt(EXTREMES.length)], r.nextBoolean());
                }
                return in;
            }
            case 3 -> { // a varint (a protobuf or multistream length) replaced by an extreme one
                int at = n == 0 ? 0 : r.nextInt(n);
                int end = at;
                while (end < n && (in[end] & 0x80) != 0 && end - at < 9) {
                    end++;
                }
                return splice(in, at, Math.min(end + 1, n), varint(EXTREMES[r.nextInt(EXTREMES.length)]));
            }
            case 4 -> { // truncate
                return n == 0 ? in : Arrays.copyOf(in, r.nextInt(n));
            }
            case 5 -> { // delete a range
                if (n == 0) {
                    return in;
                }
                int at = r.nextInt(n);
                return splice(in, at, at + 1 + r.nextInt(Math.min(16, n - at)), new byte[0]);
            }
            case 6 -> { // insert random bytes
                byte[] insert = new byte[1 + r.nextInt(16)];
                r.nextBytes(insert);
                int at = n == 0 ? 0 : r.nextInt(n + 1);
                return splice(in, at, at, insert);
            }
            case 7 -> { // repeat a range: long inputs that stay well formed inside
                if (n == 0) {
                    return in;
                }
                int at = r.nextInt(n);
                byte[] range = Arrays.copyOfRange(in, at, at + 1 + r.nextInt(Math.min(64, n - at)));
                int times = r.nextInt(8) == 0 ? Math.max(1, (maxLength - n) / range.length) : 1 + r.nextInt(16);
                byte[] repeated = new byte[Math.min(range.length * times, Math.max(0, maxLength - n))];
                for (int i = 0; i < repeated.length; i++) {
                    repeated[i] = range[i % range.length];
                }
                return splice(in, at, at, repeated);
            }
            case 8 -> { // splice with another seed: the head of one, the tail of the other
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int head = n == 0 ? 0 : r.nextInt(n + 1);
                int tail = other.length == 0 ? 0 : r.nextInt(other.length + 1);
                return splice(in, head, n, Arrays.copyOfRange(other, tail, other.length));
            }
            case 9 -> { // append another seed: two messages back to back, as streams carry them
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                return splice(in, n, n, other);
            }
            default -> { // overwrite a run with random bytes
                if (n == 0) {
                    return in;
                }
                int at = r.nextInt(n);
                byte[] noise = new byte[Math.min(1 + r.nextInt(8), n - at)];
                r.nextBytes(noise);
                System.arraycopy(noise, 0, in, at, noise.length);
                return in;
            }
        }
    }

    /** {@code in} with bytes {@code [from, to)} replaced by {@code insert}. */
    static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        byte[] out = new byte[in.length - (to - from) + insert.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(in, to, out, from + insert.length, in.length - to);
        return out;
    }

    private static void writeField(byte[] out, int at, int width, long value, boolean bigEndian) {
        for (int i = 0; i < width; i++) {
            int shift = 8 * (bigEndian ? width - 1 - i : i);
            out[at + i] = (byte) (value >>> shift);
        }
    }

    /** Unsigned LEB128, up to ten bytes for a negative value (longer than any decoder accepts). */
    static byte[] varint(long value) {
        byte[] out = new byte[10];
        int i = 0;
        while ((value & ~0x7FL) != 0 && i < 9) {
            out[i++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[i++] = (byte) value;
        return Arrays.copyOf(out, i);
    }
}
