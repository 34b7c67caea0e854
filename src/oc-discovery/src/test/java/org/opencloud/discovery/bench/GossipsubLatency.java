package org.opencloud.discovery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.opencloud.discovery.interop.JsPeer;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.pubsub.GossipConfig;
import org.opencloud.discovery.p2p.protocol.pubsub.Gossipsub;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The discovery benchmark's gossipsub rows: N nodes on loopback in one process, built as the DHT rows are (node i
 * dials {@code degree} earlier ones, the same generator), all subscribed to one topic with go's defaults; once
 * every node has a mesh peer, node 0 publishes {@code messages} messages of 256 bytes, one every 20 ms, and every
 * other node notes how long each took to reach it. The first quarter warms up and is not counted. Java here,
 * js-libp2p's {@code @libp2p/gossipsub} in {@code pubsub-bench.mjs}, measured alike.
 */
final class GossipsubLatency {
    static final String WHAT = "gossipsub delivery";
    private static final String TOPIC = "bench";
    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final int MESSAGE_BYTES = 256;

    private GossipsubLatency() {
    }

    static DiscoveryBenchmark.Row java(DiscoveryBenchmark.Sizes sizes) throws Exception {
        int nodes = sizes.nodes();
        DiscoveryBenchmark.Mulberry32 random = new DiscoveryBenchmark.Mulberry32(sizes.seed());
        List<Host> hosts = new ArrayList<>();
        List<Gossipsub> pubsubs = new ArrayList<>();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong counting = new AtomicLong(Long.MAX_VALUE); // the first message counted
        try {
            for (int i = 0; i < nodes; i++) {
                Host h = new Host(HostConfig.withIdentity(PrivateKey.generate()).ioThreads(1)
                        .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))).start();
                hosts.add(h);
                Gossipsub g = Gossipsub.install(h, StandardProtocols.install(h), new GossipConfig());
                pubsubs.add(g);
                if (i > 0) {
                    g.subscribe(TOPIC, m -> {
                        ByteBuffer data = ByteBuffer.wrap(m.data());
                        long sent = data.getLong();
                        if (data.getLong() >= counting.get()) {
                            latencies.add(System.nanoTime() - sent);
                        }
                    });
                } else {
                    g.subscribe(TOPIC, m -> { });
                }
            }
            for (int i = 1; i < nodes; i++) {
                Set<Integer> chosen = new LinkedHashSet<>();
                while (chosen.size() < Math.min(sizes.degree(), i)) {
                    chosen.add(random.next(i));
                }
                for (int j : chosen) {
                    hosts.get(i).connect(hosts.get(j).listenAddresses().get(0).withPeerId(hosts.get(j).peerId()))
                            .get(60, TimeUnit.SECONDS);
                }
            }
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (pubsubs.stream().anyMatch(g -> g.meshPeers(TOPIC).isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(100); // the meshes form at the heartbeats (1 s)
            }
            int warmup = sizes.messages() / 4;
            counting.set(warmup);
            long start = System.nanoTime();
            for (int n = 0; n < sizes.messages(); n++) {
                LockSupport.parkNanos(start + n * INTERVAL.toNanos() - System.nanoTime()); // the publishing rate
                pubsubs.get(0).publish(TOPIC, ByteBuffer.allocate(MESSAGE_BYTES).putLong(System.nanoTime()).putLong(n)
                        .array());
            }
            long expected = (long) (sizes.messages() - warmup) * (nodes - 1);
            long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (latencies.size() < expected && System.nanoTime() < drain) {
                Thread.sleep(100);
            }
            return row("Java " + WHAT, latencies.stream().mapToLong(Long::longValue).toArray(), expected);
        } finally {
            pubsubs.forEach(Gossipsub::close);
            hosts.forEach(Host::close);
        }
    }

    static DiscoveryBenchmark.Row js(DiscoveryBenchmark.Sizes sizes) {
        JsonNode line = JsPeer.run("pubsub-bench.mjs", Duration.ofMinutes(20), "--nodes", String.valueOf(sizes.nodes()),
                        "--messages", String.valueOf(sizes.messages()), "--interval", String.valueOf(INTERVAL.toMillis()),
                        "--degree", String.valueOf(sizes.degree()), "--seed", String.valueOf(sizes.seed())).stream()
                .filter(l -> l.path("event").asText().equals("deliveries")).findFirst()
                .orElseThrow(() -> new IllegalStateException("pubsub-bench.mjs printed no deliveries"));
        long[] latencies = new long[line.path("latenciesMs").size()];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = Math.round(line.path("latenciesMs").get(i).asDouble() * 1e6);
        }
        return row("js " + WHAT, latencies, line.path("expected").asLong());
    }

    /** Deliveries as a row: how many of the expected deliveries arrived (a shortfall means losses). */
    private static DiscoveryBenchmark.Row row(String what, long[] latencies, long expected) {
        return new DiscoveryBenchmark.Row(what, latencies, Double.NaN, Double.NaN, latencies.length, expected);
    }
}
