package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.protocol.identify.IdentifyService;
import org.opencloud.discovery.p2p.protocol.identify.PeerInfo;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Kademlia DHT node on a {@link Host}: in server mode it serves the protocol and holds records for others; in
 * both modes it looks up peers and values. Peers enter the routing table when identify says they serve the
 * protocol, or when they answer one of our queries.
 */
public final class KadDht implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KadDht.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Host host;
    private final KadConfig config;
    private final RoutingTable table;
    private final RecordStore store;
    private final KadServer server;
    private final KadQueries queries;
    private final ScheduledExecutorService refresher;

    private KadDht(Host host, KadConfig config) {
        this.host = host;
        this.config = config;
        this.table = new RoutingTable(host.peerId(), KadConfig.K, p -> host.connectedPeers().contains(p));
        this.store = new RecordStore(config.maxRecords(), config.maxRecordSize(), config.maxRecordAge(), Clock.systemUTC());
        this.server = new KadServer(host, table, store, config.validators(), config.maxMessageSize(),
                config.idleStreamTimeout());
        this.queries = new KadQueries(host, config, table);
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kad-refresh");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs a DHT on {@code host}, learning its peers from {@code identify}; bootstraps from the configured peers. */
    public static KadDht install(Host host, IdentifyService identify, KadConfig config) {
        KadDht dht = new KadDht(host, config);
        if (config.serverMode()) {
            host.handle(config.protocol(), dht.server::serve);
        }
        identify.onIdentified(dht::identified);
        long period = config.refreshInterval().toMillis();
        if (period > 0) {
            dht.refresher.scheduleWithFixedDelay(dht::refresh, period, period, TimeUnit.MILLISECONDS);
        }
        if (!config.bootstrapPeers().isEmpty()) {
            dht.bootstrap(config.bootstrapPeers());
        }
        return dht;
    }

    private void identified(PeerId peer, PeerInfo info) {
        if (info.protocols().contains(config.protocol())) {
            table.add(new KadPeer(peer, info.certifiedAddresses().isEmpty()
                    ? info.listenAddresses() : info.certifiedAddresses()));
        } else {
            table.remove(peer); // it may have switched to client mode
        }
    }

    public String protocol() {
        return config.protocol();
    }

    /**
     * Joins through peers the caller knows ({@code /p2p/<id>} addresses): they are tried as DHT servers and a
     * lookup of our own id fills the table; completes with the table's size.
     */
    public CompletableFuture<Integer> bootstrap(List<Multiaddr> peers) {
        List<KadPeer> seeds = new ArrayList<>();
        for (Multiaddr a : peers) {
            seeds.add(new KadPeer(a.peerId(), List.of(a.withoutPeerId())));
        }
        return lookup(KadId.of(host.peerId()), KadMessages.findNode(host.peerId()), seeds, (p, m) -> false)
                .thenApply(r -> table.size());
    }

    /** A lookup of our own id and of a random one, as go refreshes its table. */
    public CompletableFuture<Integer> refresh() {
        byte[] random = new byte[34];
        RANDOM.nextBytes(random);
        random[0] = 0x12;
        random[1] = 32;
        PeerId someone = PeerId.fromBytes(random);
        return bootstrap(List.of())
                .thenCompose(n -> lookup(KadId.of(someone), KadMessages.findNode(someone), List.of(), (p, m) -> false))
                .thenApply(r -> table.size())
                .whenComplete((n, e) -> LOG.debug("DHT table refreshed: {} peers", n));
    }

    /** The addresses of {@code peer}, from the table or a lookup; empty when no peer knows it. */
    public CompletableFuture<Optional<List<Multiaddr>>> findPeer(PeerId peer) {
        KadPeer known = table.find(peer);
        if (known != null && !known.addresses().isEmpty()) {
            return CompletableFuture.completedFuture(Optional.of(known.addresses()));
        }
        AtomicReference<List<Multiaddr>> found = new AtomicReference<>();
        return lookup(KadId.of(peer), KadMessages.findNode(peer), List.of(), (from, answer) -> {
            for (KadPeer p : KadMessages.closerPeers(answer, KadConfig.K, 16)) {
                if (p.id().equals(peer) && !p.addresses().isEmpty()) {
                    found.set(p.addresses());
                    return true;
                }
            }
            return false;
        }).thenApply(r -> Optional.ofNullable(found.get()));
    }

    /** The k peers nearest {@code peer} that answered an iterative FIND_NODE lookup, nearest first. */
    public CompletableFuture<ClosestPeers> closestPeers(PeerId peer) {
        return lookup(KadId.of(peer), KadMessages.findNode(peer), List.of(), (from, answer) -> false)
                .thenApply(r -> new ClosestPeers(r.closest().stream().map(KadPeer::id).toList(), r.queries(), r.hops()));
    }

    /** The best valid value of {@code key} (the namespace's selector) among ours and the nearest peers'. */
    public CompletableFuture<Optional<byte[]>> getValue(String key) {
        return new KadValues(this, config.validators()).get(key);
    }

    /** Stores {@code value} here (in server mode) and on the k peers nearest {@code key}; completes with how many took it. */
    public CompletableFuture<Integer> putValue(String key, byte[] value) {
        return new KadValues(this, config.validators()).put(key, value);
    }

    CompletableFuture<KadLookup.Result> lookup(KadId target, Message request, List<KadPeer> seeds, KadLookup.Visitor visitor) {
        List<KadPeer> start = new ArrayList<>(seeds);
        start.addAll(table.closest(target, KadConfig.K));
        return new KadLookup(target, host.peerId(), request, queries, config.alpha(), visitor)
                .run(start, config.lookupTimeout());
    }

    KadQueries queries() {
        return queries;
    }

    /** The records a client holds: none. */
    RecordStore store() {
        return config.serverMode() ? store : null;
    }

    /** In server mode, stores a PUT_VALUE as a peer's would be; an exception when it loses or is invalid. */
    void storeLocally(Message put) {
        if (config.serverMode()) {
            server.answer(put, host.peerId());
        }
    }

    /** Peers in the routing table. */
    public int tableSize() {
        return table.size();
    }

    boolean inTable(PeerId peer) {
        return table.find(peer) != null;
    }

    /** Records held for others. */
    public int storedRecords() {
        return store.size();
    }

    /** Inbound requests refused (malformed, oversized, unknown type, invalid or stale record). */
    public long refusedRequests() {
        return server.refusedRequests();
    }

    /** Answers that named more than k closer peers and were cut to k. */
    public long cutAnswers() {
        return queries.cutAnswers();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        host.unhandle(config.protocol());
    }
}
