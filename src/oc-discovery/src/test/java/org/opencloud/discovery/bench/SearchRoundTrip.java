package org.opencloud.discovery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The discovery benchmark's search rows: node A and {@code answerers} partners, each a real node with its own
 * nats-server ({@link BenchCluster}), every partner holding one public resource of its own. A's apps publish
 * {@code searches} PB_SEARCH of that resource on A's NATS, one at a time, each timed from its publication to the
 * last of the partners' results on A's SEARCH_EVENT: of type partner (the search event on a stream to each
 * partner) and of type all (on the gossipsub search topic). Searches are paced under the default
 * {@code oc.search.max-per-peer-per-second} (10), so the nodes run with their defaults. A warm-up search that every
 * partner answers comes first (the resources kept, the topic's peers known) and is not counted. js-libp2p has no
 * OpenCloud search protocol: these rows have no js counterpart.
 */
final class SearchRoundTrip {
    static final String WHAT = "search round trip";
    private static final Logger LOG = LoggerFactory.getLogger(SearchRoundTrip.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA_TYPE = "COMPUTE_RESOURCE";
    /** One search every this often: under the answerers' default 10 searches a second per peer. */
    private static final Duration INTERVAL = Duration.ofMillis(110);
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(10);
    private static final Duration WARM_UP = Duration.ofSeconds(60);

    private SearchRoundTrip() {
    }

    /** The rows of {@code searches} searches of each type across {@code answerers} partners, in {@code dir}. */
    static List<DiscoveryBenchmark.Row> java(int answerers, int searches, Path dir) throws Exception {
        PropagationBenchmark.deleteRecursively(dir);
        LOG.info("Java: node A and {} answering nodes, each with its nats-server ...", answerers);
        try (BenchCluster cluster = new BenchCluster(dir, answerers, false, Map.of())) {
            List<Connection> partners = new ArrayList<>();
            for (BenchCluster.Member partner : cluster.partners()) {
                partners.add(cluster.connect(partner));
            }
            cluster.startA(answerers, false);
            Connection a = cluster.connect(cluster.a());
            List<DiscoveryBenchmark.Row> rows = new ArrayList<>();
            for (String type : List.of("partner", "all")) {
                rows.add(measure(a, type, answerers, searches, () -> keepResources(cluster, partners)));
            }
            return rows;
        }
    }

    /**
     * Each partner's PB_CREATE of its resource, again before each warm-up search (an upsert of the same resource):
     * one published before a partner's intake had subscribed its NATS is not kept.
     */
    private static void keepResources(BenchCluster cluster, List<Connection> partners) {
        for (int i = 0; i < partners.size(); i++) {
            BenchCluster.Member partner = cluster.partners().get(i);
            partners.get(i).publish("PROPALGATION_EVENT", event("resources-app", "bench", "PB_CREATE",
                    "{\"id\":\"r-" + partner.name() + "\",\"name\":\"bench GPU of " + partner.name()
                            + "\",\"access\":\"PUBLIC\",\"creator_id\":\"" + partner.key().peerId() + "\"}"));
        }
    }

    private static DiscoveryBenchmark.Row measure(Connection a, String type, int answerers, int searches,
                                                  Runnable beforeWarmUp) throws Exception {
        Subscription results = a.subscribe("SEARCH_EVENT");
        a.flush(Duration.ofSeconds(10));
        try {
            long deadline = System.nanoTime() + WARM_UP.toNanos();
            int warmUps = 0;
            beforeWarmUp.run();
            while (search(a, results, type, "warm-up-" + type + "-" + warmUps++, answerers) < 0) {
                beforeWarmUp.run();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no " + type + " search answered by all " + answerers
                            + " nodes within " + WARM_UP);
                }
            }
            LOG.info("measuring {} searches of type {}", searches, type);
            long[] latencies = new long[searches];
            int answered = 0;
            for (int i = 0; i < searches; i++) {
                long started = System.nanoTime();
                long took = search(a, results, type, type + "-" + i, answerers);
                latencies[i] = took < 0 ? ANSWERED_WITHIN.toNanos() : took;
                answered += took < 0 ? 0 : 1;
                long rest = INTERVAL.toNanos() - (System.nanoTime() - started);
                if (rest > 0) {
                    Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000)); // pacing, not a condition
                }
            }
            return new DiscoveryBenchmark.Row("Java " + WHAT + " (" + type + ")", latencies, Double.NaN, Double.NaN,
                    answered, searches);
        } finally {
            results.unsubscribe();
        }
    }

    /**
     * One search of user {@code user} (which tells its results from late ones of earlier searches): nanoseconds from
     * its publication to the {@code answerers}-th result, or -1 when they were not all in within the time allowed.
     */
    private static long search(Connection a, Subscription results, String type, String user, int answerers)
            throws Exception {
        long deadline = System.nanoTime() + ANSWERED_WITHIN.toNanos();
        long t0 = System.nanoTime();
        a.publish("PROPALGATION_EVENT", event("search-app", user, "PB_SEARCH",
                "{\"type\":\"" + type + "\",\"search\":\"gpu\"}"));
        int got = 0;
        while (got < answerers) {
            long left = deadline - System.nanoTime();
            Message m = left <= 0 ? null : results.nextMessage(Duration.ofNanos(left));
            if (m == null) {
                return -1;
            }
            JsonNode envelope = JSON.readTree(m.getData());
            got += user.equals(envelope.path("User").asText()) ? 1 : 0;
        }
        return System.nanoTime() - t0;
    }

    /** What an app publishes on PROPALGATION_EVENT: {@code action} of a COMPUTE_RESOURCE by {@code user}. */
    private static byte[] event(String app, String user, String action, String payload) {
        return ("{\"FromApp\":\"" + app + "\",\"Datatype\":\"" + DATA_TYPE + "\",\"User\":\"" + user
                + "\",\"Payload\":{\"Action\":\"" + action + "\",\"DataType\":\"" + DATA_TYPE + "\",\"Payload\":"
                + payload + "}}").getBytes(StandardCharsets.UTF_8);
    }
}
