package org.opencloud.discovery.camel;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window's bookkeeping alone: who starts when, in which order. */
class Libp2pDeliveryWindowTest {
    private final PeerId b = peer();
    private final PeerId c = peer();
    private final List<String> started = new ArrayList<>();

    private static PeerId peer() {
        return PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    }

    private Runnable delivery(String name) {
        return () -> started.add(name);
    }

    @Test
    void aPeersDeliveriesBeyondItsBoundWaitAndStartInTheOrderTheyCame() {
        Libp2pDeliveryWindow window = new Libp2pDeliveryWindow(2, 100, Runnable::run);
        for (int i = 1; i <= 5; i++) {
            window.submit(b, delivery("b" + i));
        }
        assertEquals(List.of("b1", "b2"), started);
        assertEquals(3, window.waiting());

        window.release(b);
        window.release(b);
        assertEquals(List.of("b1", "b2", "b3", "b4"), started);
        window.release(b);
        window.release(b);
        window.release(b);
        assertEquals(List.of("b1", "b2", "b3", "b4", "b5"), started);
        assertEquals(0, window.waiting());
    }

    @Test
    void atTheTotalPeersTakeTurnsAndAPeerAtItsOwnBoundHoldsUpNoOtherPeer() {
        Libp2pDeliveryWindow window = new Libp2pDeliveryWindow(2, 3, Runnable::run);
        window.submit(b, delivery("b1"));
        window.submit(b, delivery("b2"));
        window.submit(b, delivery("b3")); // b at its own bound
        window.submit(c, delivery("c1")); // the total reached
        window.submit(c, delivery("c2"));
        assertEquals(List.of("b1", "b2", "c1"), started);

        window.release(b); // room in b's lane and in the total: c waited for the total first
        assertEquals(List.of("b1", "b2", "c1", "c2"), started);
        window.release(c);
        assertEquals(List.of("b1", "b2", "c1", "c2", "b3"), started);
    }

    @Test
    void closingStartsWhatWaitsAndEverythingAfterAtOnceSoThatItCanFail() {
        Libp2pDeliveryWindow window = new Libp2pDeliveryWindow(1, 1, Runnable::run);
        window.submit(b, delivery("b1"));
        window.submit(b, delivery("b2"));
        window.submit(c, delivery("c1"));

        window.close();
        window.submit(c, delivery("c2"));

        assertEquals(Set.of("b1", "b2", "c1", "c2"), Set.copyOf(started));
        assertTrue(started.indexOf("b1") < started.indexOf("b2"), "a peer's in order: " + started);
        window.release(b);
        window.release(b);
        window.release(c);
        window.release(c);
        assertThrows(IllegalStateException.class, () -> window.release(c), "a release without a delivery is a bug");
    }

    @Test
    void aStarterThatTakesNoMoreWorkLeavesTheDeliveryToTheCaller() {
        Libp2pDeliveryWindow window = new Libp2pDeliveryWindow(1, 1, task -> {
            throw new RejectedExecutionException("shutting down");
        });
        window.submit(b, delivery("b1"));
        window.submit(b, delivery("b2"));

        window.release(b);

        assertEquals(List.of("b1", "b2"), started, "b2 ran on the releasing thread");
    }
}
