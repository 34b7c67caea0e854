package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of the lookups: sends requests, keeps the peers that answer in the routing table (they serve
 * the protocol) and drops the ones that fail, and reads at most k closer peers of an answer.
 */
final class KadQueries {
    private static final Logger LOG = LoggerFactory.getLogger(KadQueries.class);
    /** Addresses kept of one closer peer; more would only be dialled in vain. */
    private static final int MAX_ADDRESSES = 16;

    private final KadRpc rpc;
    private final RoutingTable table;
    private final AtomicLong cutAnswers = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    KadQueries(Host host, KadConfig config, RoutingTable table) {
        this.rpc = new KadRpc(host, config.protocol(), config.maxMessageSize(), config.queryTimeout());
        this.table = table;
    }

    CompletableFuture<Message> send(KadPeer peer, Message request) {
        return rpc.request(peer, request).whenComplete((answer, e) -> {
            if (e == null) {
                table.add(peer);
            } else {
                failures.incrementAndGet();
                table.remove(peer.id());
                LOG.debug("DHT {} to {} failed: {}", request.getType(), peer.id(), e.getMessage());
            }
        });
    }

    List<KadPeer> closerPeers(KadPeer from, Message answer) {
        if (answer.getCloserPeersCount() > KadConfig.K) {
            cutAnswers.incrementAndGet();
            LOG.debug("{} answered with {} closer peers; reading {}", from.id(), answer.getCloserPeersCount(), KadConfig.K);
        }
        return KadMessages.closerPeers(answer, KadConfig.K, MAX_ADDRESSES);
    }

    /** Answers that named more than k closer peers. */
    long cutAnswers() {
        return cutAnswers.get();
    }

    long failedQueries() {
        return failures.get();
    }
}
