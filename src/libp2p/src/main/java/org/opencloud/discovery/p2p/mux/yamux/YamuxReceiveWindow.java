package org.opencloud.discovery.p2p.mux.yamux;

import java.util.function.LongPredicate;

/**
 * Receive-side flow control of one stream: how much the peer may still send, and when and how much
 * credit to grant as the application consumes.
 *
 * <p>Credit is granted once the consumed but not yet credited bytes reach half the window, so the
 * peer gets large increments rather than one update per frame. If the previous grant was less than
 * four round trips ago the window, not the network, limits the sender, so the window doubles (up to
 * the maximum), as go-yamux and js-libp2p-yamux do. Credit is granted only once its memory is reserved:
 * if growing cannot be reserved the window stays as it is, and if even that cannot, nothing is granted
 * (the sender stalls) until a later attempt succeeds.
 */
final class YamuxReceiveWindow {

    private final int maxSize;
    private int size;
    private long peerCredit;
    private long consumedUncredited;
    private long lastGrantNanos;

    YamuxReceiveWindow(int initialSize, int maxSize, long nowNanos) {
        this.size = initialSize;
        this.maxSize = maxSize;
        this.peerCredit = initialSize;
        this.lastGrantNanos = nowNanos;
    }

    /** Takes {@code bytes} of the peer's credit; false if the peer sent more than it was granted. */
    boolean tryReceive(int bytes) {
        if (bytes > peerCredit) {
            return false;
        }
        peerCredit -= bytes;
        return true;
    }

    void consumed(int bytes) {
        consumedUncredited += bytes;
    }

    /**
     * The credit to grant now (advancing the window), or 0 while a grant is not yet due or {@code reserve}
     * refused its memory; the window grows only if {@code reserveGrowth} reserves the growth too.
     */
    int grant(long nowNanos, long rttNanos, LongPredicate reserve, LongPredicate reserveGrowth) {
        if (!isDue() || !reserve.test(consumedUncredited)) {
            return 0;
        }
        int grown = size;
        if (size < maxSize && nowNanos - lastGrantNanos < 4 * rttNanos) {
            grown = (int) Math.min(2L * size, maxSize);
            if (!reserveGrowth.test(grown - size)) {
                grown = size;
            }
        }
        long delta = consumedUncredited + (grown - size);
        size = grown;
        consumedUncredited = 0;
        peerCredit += delta;
        lastGrantNanos = nowNanos;
        return (int) delta;
    }

    /** True once enough was consumed to grant credit back. */
    boolean isDue() {
        return consumedUncredited > 0 && consumedUncredited >= size / 2;
    }

    /** The current window: credit the peer has plus bytes it sent that were not yet credited back. */
    int size() {
        return size;
    }

    long peerCredit() {
        return peerCredit;
    }
}
