package org.opencloud.discovery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.opencloud.discovery.interop.JsPeer;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.kad.ClosestPeers;
import org.opencloud.discovery.p2p.protocol.kad.KadConfig;
import org.opencloud.discovery.p2p.protocol.kad.KadDht;
import org.opencloud.discovery.p2p.protocol.kad.AnyValueValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The discovery benchmark in one run: N Java hosts with our Kademlia DHT in this JVM, then N js-libp2p nodes
 * with {@code @libp2p/kad-dht} in one node process ({@code dht-bench.mjs}), both on loopback, built the same way
 * (node i dials {@code --degree} earlier ones chosen by the same generator, then every node looks up its own
 * id), then the same measurements: {@code --lookups} FIND_NODE lookups of random peers to the k closest, and as
 * many GET_VALUE of one record, each to completion; then gossipsub on the same shape of network
 * ({@link GossipsubLatency}); then the search round trip across real nodes ({@link SearchRoundTrip}, Java only).
 * Printed as one table with Java/js ratios against the aim (2×). Run by {@code src/test/bench/run.sh discovery}. Speed is reported, never asserted.
 */
public final class DiscoveryBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryBenchmark.class);
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(60);
    private static final String RECORD_KEY = "/bench/record";

    /**
     * One row: latencies in nanoseconds, the mean queries and hops per lookup (NaN for value lookups), and how many
     * lookups found what they looked for (the target as the nearest peer; the record) or messages arrived, of how
     * many expected.
     */
    record Row(String what, long[] latencies, double queries, double hops, long found, long expected) {
    }

    /** The js side's mulberry32, so both sides build the same network shape and ask the same pairs. */
    static final class Mulberry32 {
        private int state;

        Mulberry32(int seed) {
            this.state = seed;
        }

        int next(int n) {
            state += 0x6D2B79F5;
            int t = (state ^ (state >>> 15)) * (1 | state);
            t = (t + ((t ^ (t >>> 7)) * (61 | t))) ^ t;
            return (int) (((t ^ (t >>> 14)) & 0xFFFFFFFFL) / 4294967296.0 * n);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = PerfClient.options(args, List.of("nodes", "lookups", "messages", "degree", "seed",
                "answerers", "searches"));
        int nodes = Integer.parseInt(options.getOrDefault("nodes", "50"));
        int lookups = Integer.parseInt(options.getOrDefault("lookups", "200"));
        int messages = Integer.parseInt(options.getOrDefault("messages", "200"));
        int degree = Integer.parseInt(options.getOrDefault("degree", "3"));
        int seed = Integer.parseInt(options.getOrDefault("seed", "1"));
        int answerers = Integer.parseInt(options.getOrDefault("answerers", "10"));
        int searches = Integer.parseInt(options.getOrDefault("searches", "100"));

        System.out.print(table(nodes, run(new Sizes(nodes, lookups, messages, degree, seed, answerers, searches))));
        System.exit(0);
    }

    /**
     * How large a run is: its nodes, lookups and gossipsub messages, and how its network is built; the searches of
     * each type and the nodes that answer them.
     */
    record Sizes(int nodes, int lookups, int messages, int degree, int seed, int answerers, int searches) {
    }

    /** The Java rows, then the js rows, of one run. */
    static List<Row> run(Sizes sizes) throws Exception {
        List<Row> rows = new ArrayList<>(java(sizes.nodes(), sizes.lookups(), sizes.degree(), sizes.seed()));
        rows.add(GossipsubLatency.java(sizes));
        JsPeer.install();
        rows.addAll(js(sizes.nodes(), sizes.lookups(), sizes.degree(), sizes.seed()));
        rows.add(GossipsubLatency.js(sizes));
        rows.addAll(SearchRoundTrip.java(sizes.answerers(), sizes.searches(), Path.of("target/discovery-benchmark")));
        return rows;
    }

    private static List<Row> java(int nodes, int lookups, int degree, int seed) throws Exception {
        LOG.info("Java: {} hosts with the DHT ...", nodes);
        Mulberry32 random = new Mulberry32(seed);
        List<Host> hosts = new ArrayList<>();
        List<KadDht> dhts = new ArrayList<>();
        KadConfig config = new KadConfig().validator("bench", new AnyValueValidator()).refreshInterval(Duration.ZERO)
                .lookupTimeout(LOOKUP_TIMEOUT);
        try {
            for (int i = 0; i < nodes; i++) {
                Host h = new Host(HostConfig.withIdentity(PrivateKey.generate()).ioThreads(1)
                        .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))).start();
                hosts.add(h);
                dhts.add(KadDht.install(h, StandardProtocols.install(h), config));
            }
            for (int i = 1; i < nodes; i++) {
                Set<Integer> chosen = new LinkedHashSet<>();
                while (chosen.size() < Math.min(degree, i)) {
                    chosen.add(random.next(i));
                }
                for (int j : chosen) {
                    hosts.get(i).connect(hosts.get(j).listenAddresses().get(0).withPeerId(hosts.get(j).peerId()))
                            .get(LOOKUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            }
            for (KadDht dht : dhts) {
                dht.bootstrap(List.of()).get(LOOKUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            long[] latencies = new long[lookups];
            double queries = 0;
            double hops = 0;
            int reached = 0;
            for (int n = 0; n < lookups; n++) {
                int from = random.next(nodes);
                int to = random.next(nodes);
                if (to == from) {
                    to = (to + 1) % nodes;
                }
                long t0 = System.nanoTime();
                ClosestPeers r = dhts.get(from).closestPeers(hosts.get(to).peerId())
                        .get(LOOKUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                latencies[n] = System.nanoTime() - t0;
                reached += !r.peers().isEmpty() && r.peers().get(0).equals(hosts.get(to).peerId()) ? 1 : 0;
                queries += r.queries();
                hops += r.hops();
            }
            Row lookupRow = new Row("Java FIND_NODE lookup", latencies, queries / lookups, hops / lookups, reached, lookups);

            int putter = random.next(nodes);
            dhts.get(putter).putValue(RECORD_KEY, "a record of the benchmark".getBytes(StandardCharsets.UTF_8))
                    .get(LOOKUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long[] gets = new long[lookups];
            int found = 0;
            for (int n = 0; n < lookups; n++) {
                int from = random.next(nodes);
                if (from == putter) {
                    from = (from + 1) % nodes;
                }
                long t0 = System.nanoTime();
                boolean got = dhts.get(from).getValue(RECORD_KEY).get(LOOKUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                        .isPresent();
                gets[n] = System.nanoTime() - t0;
                found += got ? 1 : 0;
            }
            return List.of(lookupRow, new Row("Java GET_VALUE", gets, Double.NaN, Double.NaN, found, lookups));
        } finally {
            dhts.forEach(KadDht::close);
            hosts.forEach(Host::close);
        }
    }

    private static List<Row> js(int nodes, int lookups, int degree, int seed) {
        LOG.info("js: {} nodes with @libp2p/kad-dht ...", nodes);
        List<JsonNode> lines = JsPeer.run("dht-bench.mjs", Duration.ofMinutes(20), "--nodes", String.valueOf(nodes),
                "--lookups", String.valueOf(lookups), "--degree", String.valueOf(degree), "--seed", String.valueOf(seed));
        List<Row> rows = new ArrayList<>();
        for (JsonNode line : lines) {
            String event = line.path("event").asText();
            long[] latencies = new long[line.path("latenciesMs").size()];
            for (int i = 0; i < latencies.length; i++) {
                latencies[i] = Math.round(line.path("latenciesMs").get(i).asDouble() * 1e6);
            }
            if (event.equals("lookups")) {
                rows.add(new Row("js FIND_NODE lookup", latencies, mean(line.path("queries")), mean(line.path("hops")),
                        line.path("reached").asInt(), latencies.length));
            } else if (event.equals("gets")) {
                rows.add(new Row("js GET_VALUE", latencies, Double.NaN, Double.NaN, line.path("found").asInt(),
                        latencies.length));
            }
        }
        return rows;
    }

    private static double mean(JsonNode numbers) {
        double sum = 0;
        for (JsonNode n : numbers) {
            sum += n.asDouble();
        }
        return numbers.isEmpty() ? Double.NaN : sum / numbers.size();
    }

    static String table(int nodes, List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "| %-32s | samples |   p50 ms |   p99 ms | queries | hops |     found |%n",
                nodes + " nodes on loopback"));
        for (Row r : rows) {
            long[] sorted = r.latencies().clone();
            Arrays.sort(sorted);
            out.append(String.format(Locale.ROOT, "| %-32s | %7d | %8.2f | %8.2f | %7s | %4s | %9s |%n", r.what(),
                    sorted.length, Measurement.percentileMillis(sorted, 0.50), Measurement.percentileMillis(sorted, 0.99),
                    Double.isNaN(r.queries()) ? "-" : String.format(Locale.ROOT, "%.1f", r.queries()),
                    Double.isNaN(r.hops()) ? "-" : String.format(Locale.ROOT, "%.2f", r.hops()), r.found() + "/" + r.expected()));
        }
        for (String what : List.of("FIND_NODE lookup", "GET_VALUE", GossipsubLatency.WHAT)) {
            Row java = rows.stream().filter(r -> r.what().equals("Java " + what)).findFirst().orElse(null);
            Row js = rows.stream().filter(r -> r.what().equals("js " + what)).findFirst().orElse(null);
            if (java != null && js != null) {
                double ratio = p50(js) / p50(java);
                out.append(String.format(Locale.ROOT, "%s: js p50 / Java p50 = %.2f× (aim 2×) %s%n", what, ratio,
                        ratio >= 2 ? "PASS" : "FAIL"));
            }
        }
        if (rows.stream().anyMatch(r -> r.what().contains(SearchRoundTrip.WHAT))) {
            out.append(SearchRoundTrip.WHAT + " (PB_SEARCH on A's NATS to the last answering node's result on A's NATS):"
                    + " no js column, js-libp2p has no OpenCloud search protocol\n");
        }
        return out.toString();
    }

    private static double p50(Row r) {
        long[] sorted = r.latencies().clone();
        Arrays.sort(sorted);
        return Measurement.percentileMillis(sorted, 0.50);
    }
}
