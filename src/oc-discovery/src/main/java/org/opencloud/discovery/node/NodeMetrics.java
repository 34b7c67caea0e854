package org.opencloud.discovery.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Processor;
import org.opencloud.discovery.camel.Libp2pConstants;
import org.opencloud.discovery.p2p.host.Connection;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.rcmgr.Resource;
import org.opencloud.discovery.p2p.rcmgr.ScopeKind;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.security.Authorization;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The node's own metrics, beside Camel's route metrics, on the registry that the management server exports
 * for Prometheus ({@code /observe/metrics}): events in and out per protocol and partner, rejected messages
 * and refused peers by reason, delivery retries, undelivered events, outbox depth and expired outbox messages
 * per partner, and the libp2p host's connections, streams, refused streams, idle streams reset and backed-off
 * peers, and its resource manager's memory reserved and refusals by scope and resource. Partner labels stay few:
 * only partners send and receive events.
 */
public final class NodeMetrics {
    /** A counter's name and tags, the key under which it is kept once registered. */
    private record CounterKey(String name, String... tags) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CounterKey k && name.equals(k.name) && Arrays.equals(tags, k.tags);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(tags);
        }
    }

    private final MeterRegistry registry;
    // counted per event: Micrometer's builder and registry lookup (id, sorted tags) cost more than the count
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

    NodeMetrics(MeterRegistry registry, Authorization authorization, Supplier<Host> host) {
        this.registry = registry;
        for (String reason : authorization.getRefusalCounts().keySet()) {
            FunctionCounter.builder("oc.peers.refused", authorization, a -> a.refusalCount(Reason.valueOf(reason)))
                    .description("streams and connections refused for who the peer is").tag("reason", reason)
                    .register(registry);
        }
        Gauge.builder("oc.libp2p.connections", () -> host.get().connections().size())
                .description("open libp2p connections").register(registry);
        Gauge.builder("oc.libp2p.streams",
                        () -> host.get().connections().stream().mapToInt(Connection::streamCount).sum())
                .description("open libp2p streams").register(registry);
        FunctionCounter.builder("oc.libp2p.upgrades.failed", host, h -> h.get().failedUpgrades())
                .description("connections that failed the pnet/Noise/yamux upgrade").register(registry);
        FunctionCounter.builder("oc.libp2p.streams.refused", host, h -> h.get().refusedStreams())
                .description("inbound streams the stream gate reset before reading them").register(registry);
        FunctionCounter.builder("oc.libp2p.peers.backedoff", host, h -> h.get().peerBackoffs())
                .description("peers disconnected and refused for a while after repeated stream refusals")
                .register(registry);
        FunctionCounter.builder("oc.libp2p.streams.idle.reset", host, h -> h.get().idleStreamsReset())
                .description("streams reset because no data moved on them for streamIdleTimeout").register(registry);
        Gauge.builder("oc.libp2p.memory.reserved", () -> host.get().resources().hostUsage().memory())
                .description("inbound bytes in flight the resource manager holds: windows granted, bytes not yet"
                        + " consumed").baseUnit("bytes").register(registry);
        for (ScopeKind scope : ScopeKind.values()) {
            for (Resource resource : Resource.values()) {
                FunctionCounter.builder("oc.libp2p.resource.refusals", host, h -> h.get().resources().refusals(scope, resource))
                        .description("reservations the resource manager refused, by the scope that refused and the resource")
                        .tag("scope", scope.name().toLowerCase()).tag("resource", resource.name().toLowerCase())
                        .register(registry);
            }
        }
    }

    /** An event a peer sent on {@code protocol}, accepted. */
    public void received(String protocol, String peer) {
        counter("oc.events.in", "events accepted from peers", "protocol", protocol, "peer", peer).increment();
    }

    /** An event {@code peer} sent again that this node had published: confirmed, not published twice. */
    public void duplicate(String peer) {
        counter("oc.events.duplicate", "events a peer sent again, confirmed without publishing them twice", "peer", peer)
                .increment();
    }

    /** An event not confirmed to {@code peer} (this node's NATS did not accept it): the peer sends it again. */
    public void unconfirmed(String peer) {
        counter("oc.events.unconfirmed", "events from peers not confirmed, which they send again (this node's NATS did not accept them)",
                "peer", peer).increment();
    }

    /** An event delivered to {@code peer} on {@code protocol} (the delivery routes' headers). */
    public void delivered(@Header(Outbox.PROTOCOL) String protocol, @Header(Libp2pConstants.PEER_ID) String peer) {
        counter("oc.events.out", "events delivered to peers", "protocol", protocol, "peer", peer).increment();
    }

    /** A message kept on the error endpoint, by reason (UNDELIVERED: an event some targets did not get). */
    public void rejected(String reason) {
        counter("oc.rejected", "messages rejected, kept on the error endpoint", "reason", reason).increment();
    }

    /** An event {@code peer} did not get after the retries. */
    public void undelivered(String peer) {
        counter("oc.delivery.undelivered", "events a target did not get after the retries", "peer", peer).increment();
    }

    /** A delivery to {@code peer} that failed and will be tried again. */
    public void retried(String peer) {
        counter("oc.delivery.retries", "delivery attempts repeated after a failure", "peer", peer).increment();
    }

    /** A message of a partner's outbox given up when it grew older than the age limit (reason EXPIRED). */
    public void outboxExpired(String peer) {
        counter("oc.outbox.expired", "outbox messages given up past oc.outbox.max-age-ms", "peer", peer).increment();
    }

    /** Registers the gauge of a partner's outbox depth, read from {@code depth}; returns it. */
    AtomicLong outboxDepth(String peer, AtomicLong depth) {
        Gauge.builder("oc.outbox.depth", depth, AtomicLong::get).strongReference(true)
                .description("messages of the partner's outbox not acknowledged yet").tag("peer", peer)
                .register(registry);
        return depth;
    }

    /** Rejected messages so far, by reason. */
    public Map<String, Long> rejections() {
        return countsByReason("oc.rejected");
    }

    /** The route configurations' {@code onRedeliveryRef}: counts each retry of a delivery, per partner. */
    public Processor retryCounter() {
        return this::countRetry;
    }

    private void countRetry(Exchange exchange) {
        retried(exchange.getMessage().getHeader(Libp2pConstants.PEER_ID, "unknown", String.class));
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(new CounterKey(name, tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    /** A peer's search this node did not answer (FORGED, TOO_MANY_SEARCHES ...). */
    public void searchRefused(String reason) {
        counter("oc.search.refused", "search events from peers refused, not answered", "reason", reason).increment();
    }

    /** A result stream of a peer cut (UNSOLICITED, TOO_MANY_RESULTS, OVERSIZED ...): the rest of it is not read. */
    public void searchResultsCut(String reason) {
        counter("oc.search.results.cut", "search result streams cut", "reason", reason).increment();
    }

    /** A peer that a search event, or an answer to one, did not reach. */
    public void searchUnreached() {
        counter("oc.search.unreached", "search events or answers a peer did not take").increment();
    }

    /** Counts so far of counter {@code name} ({@code oc.search.refused} ...), by reason. */
    public Map<String, Long> countsByReason(String name) {
        Map<String, Long> out = new TreeMap<>();
        registry.find(name).counters().forEach(c -> out.put(c.getId().getTag("reason"), (long) c.count()));
        return out;
    }
}
