package org.opencloud.discovery.p2p.pnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

/**
 * The keystream matches BouncyCastle's XSalsa20 (itself checked against NaCl vectors) across any split: lengths
 * that leave the keystream position off a multiple of 8, and streams long enough to cross several batches.
 */
class XSalsa20Test {

    @Test
    void matchesBouncyCastleAcrossSplitsAndBufferKinds() {
        Random random = new Random(42);
        byte[] key = new byte[32];
        byte[] nonce = new byte[24];
        random.nextBytes(key);
        random.nextBytes(nonce);
        byte[] plaintext = new byte[3 * XSalsa20.LANES * 64 + 200_000];
        random.nextBytes(plaintext);
        XSalsa20Engine reference = new XSalsa20Engine();
        reference.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] expected = new byte[plaintext.length];
        reference.processBytes(plaintext, 0, plaintext.length, expected, 0);

        XSalsa20 cipher = new XSalsa20(key, nonce);
        ByteBuf out = Unpooled.directBuffer(plaintext.length);
        try {
            int[] sizes = {1, 63, 64, 65, 7, 128, 1000, 65536, 3, 65519, 13, 16384, 2};
            int done = 0;
            for (int i = 0; done < plaintext.length; i++) {
                int n = Math.min(sizes[i % sizes.length], plaintext.length - done);
                ByteBuf in = i % 2 == 0 ? Unpooled.wrappedBuffer(plaintext, done, n)
                        : Unpooled.directBuffer(n).writeBytes(plaintext, done, n);
                cipher.xor(in.nioBuffer(), out.nioBuffer(done, n));
                in.release();
                done += n;
            }
            assertArrayEquals(expected, ByteBufUtil.getBytes(out, 0, plaintext.length));
        } finally {
            out.release();
        }
    }
}
