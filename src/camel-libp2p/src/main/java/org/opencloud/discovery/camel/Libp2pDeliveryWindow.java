package org.opencloud.discovery.camel;

import org.opencloud.discovery.p2p.core.PeerId;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The one-shot deliveries of a component's producers in flight: at most {@code perPeer} to one peer and
 * {@code total} to all, the others waiting. A peer's deliveries start in the order they came; when the total is
 * reached, peers waiting for room take turns. Both bounds sit below the resource manager's stream limits, so a
 * burst (an event to many partners, thousands of events in flight) waits here instead of having its streams
 * refused by the node's own limits, and a slow peer holds at most {@code perPeer} of the total.
 */
final class Libp2pDeliveryWindow {
    private final int perPeer;
    private final int total;
    private final Executor starter;
    private final Map<PeerId, Lane> lanes = new HashMap<>();
    /** Lanes with deliveries waiting and room of their own, waiting for room in the total. */
    private final ArrayDeque<Lane> turns = new ArrayDeque<>();
    private int inFlight;
    private boolean closed;

    /** {@code starter} runs the deliveries that waited (off the thread that ended another one). */
    Libp2pDeliveryWindow(int perPeer, int total, Executor starter) {
        if (perPeer < 1 || total < 1) {
            throw new IllegalArgumentException("deliveries in flight must be at least 1, not " + perPeer + " / " + total);
        }
        this.perPeer = perPeer;
        this.total = total;
        this.starter = starter;
    }

    /**
     * Runs {@code start} now when there is room, else once there is. What it starts must call {@link #release}
     * with the same peer exactly once, when it ends.
     */
    void submit(PeerId peer, Runnable start) {
        synchronized (this) {
            Lane lane = lanes.computeIfAbsent(peer, p -> new Lane());
            if (!closed && (!lane.waiting.isEmpty() || lane.inFlight >= perPeer || inFlight >= total)) {
                lane.waiting.add(start);
                if (lane.inFlight < perPeer && !lane.hasTurn) {
                    takeTurn(lane);
                }
                return;
            }
            lane.inFlight++;
            inFlight++;
        }
        start.run();
    }

    /** Ends one of the peer's deliveries and starts those that now have room. */
    void release(PeerId peer) {
        List<Runnable> starts = new ArrayList<>(1);
        synchronized (this) {
            Lane lane = lanes.get(peer);
            if (lane == null || lane.inFlight == 0) {
                throw new IllegalStateException("no delivery to " + peer + " in flight");
            }
            lane.inFlight--;
            inFlight--;
            if (!lane.waiting.isEmpty() && !lane.hasTurn) {
                takeTurn(lane);
            }
            while (inFlight < total && !turns.isEmpty()) {
                Lane next = turns.poll();
                next.hasTurn = false;
                starts.add(next.waiting.poll());
                next.inFlight++;
                inFlight++;
                if (!next.waiting.isEmpty() && next.inFlight < perPeer) {
                    takeTurn(next);
                }
            }
            if (lane.inFlight == 0 && lane.waiting.isEmpty()) {
                lanes.remove(peer);
            }
        }
        starts.forEach(this::start);
    }

    /** Deliveries waiting for room, to all peers. */
    synchronized int waiting() {
        return lanes.values().stream().mapToInt(lane -> lane.waiting.size()).sum();
    }

    /**
     * Starts every waiting delivery, room or not, and from now on each one at once: used when the host is gone, so
     * that they fail instead of waiting for ever.
     */
    void close() {
        List<Runnable> starts = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Lane lane : lanes.values()) {
                lane.inFlight += lane.waiting.size();
                inFlight += lane.waiting.size();
                starts.addAll(lane.waiting);
                lane.waiting.clear();
                lane.hasTurn = false;
            }
            turns.clear();
        }
        starts.forEach(this::start);
    }

    /** On the starter; where it takes no more work (it is shutting down), here. */
    private void start(Runnable delivery) {
        try {
            starter.execute(delivery);
        } catch (RejectedExecutionException e) {
            delivery.run();
        }
    }

    private void takeTurn(Lane lane) {
        lane.hasTurn = true;
        turns.add(lane);
    }

    private static final class Lane {
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        int inFlight;
        boolean hasTurn;
    }
}
