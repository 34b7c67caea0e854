package org.opencloud.discovery.p2p.mux.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamuxReceiveWindowTest {

    private static final int KIB = 1024;
    private static final long RTT = 1_000_000;

    @Test
    void grantsOnlyOnceHalfTheWindowIsConsumed() {
        YamuxReceiveWindow window = new YamuxReceiveWindow(256 * KIB, 16 * 1024 * KIB, 0);
        assertTrue(window.tryReceive(200 * KIB));
        window.consumed(127 * KIB);
        assertEquals(0, window.grant(100 * RTT, RTT, bytes -> true, bytes -> true));
        window.consumed(KIB);
        assertEquals(128 * KIB, window.grant(100 * RTT, RTT, bytes -> true, bytes -> true), "a slow reader keeps the window");
        assertEquals(256 * KIB, window.size());
        assertEquals(184 * KIB, window.peerCredit());
    }

    @Test
    void doublesUpToTheMaximumWhileGrantsComeWithinFourRoundTrips() {
        int max = 16 * 1024 * KIB;
        YamuxReceiveWindow window = new YamuxReceiveWindow(256 * KIB, max, 0);
        long now = 0;
        int expectedSize = 256 * KIB;
        for (int round = 0; round < 8; round++) {
            int half = window.size() / 2;
            assertTrue(window.tryReceive(half));
            window.consumed(half);
            now += 3 * RTT;
            int grown = Math.min(expectedSize * 2, max);
            assertEquals(half + (grown - expectedSize), window.grant(now, RTT, bytes -> true, bytes -> true));
            expectedSize = grown;
            assertEquals(expectedSize, window.size());
        }
        assertEquals(max, window.size());
    }

    @Test
    void grantsNothingWhileItsMemoryIsRefusedAndGrowsOnlyWithSpareMemory() {
        YamuxReceiveWindow window = new YamuxReceiveWindow(256 * KIB, 16 * 1024 * KIB, 0);
        assertTrue(window.tryReceive(256 * KIB));
        window.consumed(256 * KIB);
        assertEquals(0, window.grant(RTT, RTT, bytes -> false, bytes -> true), "refused: the sender stalls");
        assertTrue(window.isDue());
        assertEquals(0, window.peerCredit());
        List<Long> asked = new ArrayList<>();
        assertEquals(256 * KIB, window.grant(2 * RTT, RTT, bytes -> asked.add(bytes), bytes -> false),
                "credit for what was consumed, no growth");
        assertEquals(List.of((long) (256 * KIB)), asked);
        assertEquals(256 * KIB, window.size());
        assertFalse(window.isDue());
    }

    @Test
    void rejectsDataBeyondTheCredit() {
        YamuxReceiveWindow window = new YamuxReceiveWindow(256 * KIB, 16 * 1024 * KIB, 0);
        assertTrue(window.tryReceive(256 * KIB));
        assertFalse(window.tryReceive(1));
    }
}
