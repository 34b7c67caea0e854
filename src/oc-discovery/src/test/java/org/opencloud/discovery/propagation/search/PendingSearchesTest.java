package org.opencloud.discovery.propagation.search;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.security.PeerRefusedException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingSearchesTest {
    private final AtomicLong now = new AtomicLong();
    private final PendingSearches pending = new PendingSearches(Duration.ofSeconds(30), 2, 3, now::get);

    private void refused(Reason reason, String id, String peer) {
        PeerRefusedException e = assertThrows(PeerRefusedException.class, () -> pending.result(id, peer));
        assertEquals(reason, e.getReason());
    }

    @Test
    void resultsOnlyFromTheTargetsOfAnOpenSearchAndAtMostTheLimit() {
        pending.open("s1", "COMPUTE_RESOURCE", "alice", List.of("B", "C"));
        assertTrue(pending.expects("B"));
        assertFalse(pending.expects("H"));
        for (int i = 0; i < 3; i++) {
            assertEquals("alice", pending.result("s1", "B").user());
        }
        refused(Reason.TOO_MANY_RESULTS, "s1", "B");
        assertEquals("COMPUTE_RESOURCE", pending.result("s1", "C").dataType(), "each target has its own limit");
        refused(Reason.UNSOLICITED, "s1", "H");
        refused(Reason.UNSOLICITED, "nope", "B");
        refused(Reason.UNSOLICITED, null, "B");
    }

    @Test
    void searchesExpireAndTheOldestGoesFirstBeyondTheBound() {
        pending.open("s1", "COMPUTE_RESOURCE", "alice", List.of("B"));
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        assertFalse(pending.expects("B"));
        refused(Reason.UNSOLICITED, "s1", "B");

        pending.open("s2", "DATA_RESOURCE", "alice", List.of("B"));
        pending.open("s3", "DATA_RESOURCE", "alice", null);
        pending.open("s4", "DATA_RESOURCE", "alice", List.of("C"));
        refused(Reason.UNSOLICITED, "s2", "B");
        assertEquals("s3", pending.result("s3", "anyone").id(), "a search open to any peer");
        assertTrue(pending.expects("anyone"));
    }

    @Test
    void aSearchOpenToAnyPeerTakesABoundedNumberOfAnswerers() {
        pending.open("all", "DATA_RESOURCE", "alice", null);
        for (int i = 0; i < PendingSearches.MAX_ANSWERERS; i++) {
            pending.result("all", "peer-" + i);
        }
        refused(Reason.TOO_MANY_RESULTS, "all", "one-more");
    }
}
