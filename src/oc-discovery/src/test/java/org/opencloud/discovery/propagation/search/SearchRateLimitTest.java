package org.opencloud.discovery.propagation.search;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchRateLimitTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    void aPeerGetsItsAllowanceEachSecondAndOthersTheirOwn() {
        SearchRateLimit rate = new SearchRateLimit(3, 100, now::get);
        for (int i = 0; i < 3; i++) {
            assertTrue(rate.admit("A"));
        }
        assertFalse(rate.admit("A"));
        assertTrue(rate.admit("B"));
        now.addAndGet(1_000_000_000L);
        assertTrue(rate.admit("A"));
    }

    @Test
    void forgottenPeersStartAfresh() {
        SearchRateLimit rate = new SearchRateLimit(1, 2, now::get);
        assertTrue(rate.admit("A"));
        assertFalse(rate.admit("A"));
        assertTrue(rate.admit("B"));
        assertTrue(rate.admit("C")); // A, seen longest ago, is forgotten: at most two peers are remembered
        assertTrue(rate.admit("A"));
    }
}
