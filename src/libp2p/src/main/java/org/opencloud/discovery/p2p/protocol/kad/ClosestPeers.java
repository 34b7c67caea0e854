package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.core.PeerId;

import java.util.List;

/**
 * What a lookup of the peers nearest an id found, and what it cost: the queries it sent and its hops (a peer of
 * the asker's own table is one hop away, a peer that a hop-h peer named is h + 1; the deepest that answered).
 */
public record ClosestPeers(List<PeerId> peers, int queries, int hops) {
    public ClosestPeers {
        peers = List.copyOf(peers);
    }
}
