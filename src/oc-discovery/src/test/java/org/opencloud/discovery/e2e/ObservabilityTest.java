package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * Watching a node run, as an operator does, over HTTP from its management server: liveness and readiness
 * (with the libp2p, NATS and directory checks), and Prometheus metrics, Camel's and the node's, whose
 * counters move when an event flows from A to B and when a stranger writes to B, and which routes Camel
 * meters: by default not the glue (A), not those a pattern names (B), all when the setting is empty (C).
 */
class ObservabilityTest {
    private static final String CREATE = "/opencloud/resource/create/1.0";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;
    /** Alone, with {@code oc.metrics.routes-excluded} set empty: every route metered. */
    private static NodeFixture c;
    private static int httpA;
    private static int httpB;
    private static int httpC;

    @BeforeAll
    static void start() throws IOException {
        httpA = NodeFixture.freePort();
        httpB = NodeFixture.freePort();
        a = managed(new NodeFixture("node-a", Files.createDirectories(dir.resolve("a"))), httpA);
        b = managed(new NodeFixture("node-b", Files.createDirectories(dir.resolve("b"))), httpB)
                .set("oc.metrics.routes-excluded", "inbound-*").partners(a).start();
        a.partners(b).start();
        httpC = NodeFixture.freePort();
        c = managed(new NodeFixture("node-c", Files.createDirectories(dir.resolve("c"))), httpC)
                .set("oc.metrics.routes-excluded", "").start();
    }

    private static NodeFixture managed(NodeFixture node, int port) {
        return node.set("camel.management.enabled", "true").set("camel.management.host", "127.0.0.1")
                .set("camel.management.port", String.valueOf(port));
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a, b, c);
    }

    @Test
    void livenessAndReadinessWithTheNodesChecks() {
        HttpResponse<String> live = get(httpA, "/observe/health/live");
        assertEquals(200, live.statusCode(), live.body());
        HttpResponse<String> ready = get(httpA, "/observe/health/ready?exposureLevel=full");
        assertEquals(200, ready.statusCode(), ready.body());
        JsonNode report = NodeFixture.json(ready.body());
        assertEquals("UP", report.path("status").asText());
        for (String check : List.of("libp2p-host", "nats", "peer-directory")) {
            assertTrue(ready.body().contains("{\"name\":\"" + check + "\",\"status\":\"UP\""), check + " in " + ready.body());
        }
    }

    @Test
    void countersMoveWhenAnEventFlowsAndWhenAStrangerIsRefused() throws Exception {
        String outOfA = "oc_events_out_total{peer=\"" + b.peerId() + "\",protocol=\"" + CREATE + "\"}";
        String intoB = "oc_events_in_total{peer=\"" + a.peerId() + "\",protocol=\"" + CREATE + "\"}";
        double sentBefore = metric(httpA, outOfA);
        double receivedBefore = metric(httpB, intoB);

        Subscription onB = b.subscribe("CREATE_RESOURCE");
        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "DATA_RESOURCE",
                "{\"id\":\"metered\",\"name\":\"metered\"}", false));
        next(onB);
        assertEquals(receivedBefore + 1, metric(httpB, intoB), "B counted the event it published");
        assertEquals(sentBefore + 1, awaitMetric(httpA, outOfA, sentBefore + 1), "A counted its delivery");
        assertTrue(metric(httpA, "oc_libp2p_connections") >= 1, "A's connection to B");
        assertTrue(metric(httpA, routeExchanges("node-a", "propagation-outbound")) >= 1, "Camel's own route metrics");
        assertEquals(0, metric(httpA, routeExchanges("node-a", "partners-create")), "a glue route, left out by default");
        assertEquals(0, metric(httpB, routeExchanges("node-b", "inbound-create")), "left out by B's oc.metrics.routes-excluded");

        String refused = "oc_peers_refused_total{reason=\"UNKNOWN_PEER\"}";
        double refusedBefore = metric(httpB, refused);
        String refusedStreams = "oc_libp2p_streams_refused_total";
        double refusedStreamsBefore = metric(httpB, refusedStreams);
        try (Host stranger = new Host(HostConfig.withIdentity(PrivateKey.generate())).start()) {
            CompletableFuture<byte[]> reply = stranger.newStream(Multiaddr.of(b.address()), List.of(CREATE))
                    .thenCompose(stream -> {
                        stream.write(Unpooled.wrappedBuffer("{\"from\":\"x\"}\n".getBytes(StandardCharsets.UTF_8)));
                        stream.closeWrite();
                        return stream.readToEnd(1024);
                    });
            assertThrows(ExecutionException.class, () -> reply.get(10, TimeUnit.SECONDS),
                    "B resets the stranger's stream, at its opening or at its first write");
        }
        assertEquals(refusedBefore + 1, metric(httpB, refused), "B counted the refusal by reason");
        assertEquals(refusedStreamsBefore + 1, metric(httpB, refusedStreams), "B's stream gate refused it");
        assertEquals(0, metric(httpB, "oc_libp2p_peers_backedoff_total"), "one refusal backs no peer off");
    }

    @Test
    void anEmptyExclusionMetersEveryRouteTheGlueIncluded() {
        String glue = routeExchanges("node-c", "partners-create");
        double before = metric(httpC, glue);
        c.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "DATA_RESOURCE",
                "{\"id\":\"metered-glue\",\"name\":\"metered-glue\"}", false));
        assertEquals(before + 1, awaitMetric(httpC, glue, before + 1), "C meters the glue route its event ran");
    }

    /** A's delivery is counted once B has closed the stream, which may be just after B published. */
    private static double awaitMetric(int port, String series, double expected) {
        long deadline = System.nanoTime() + NodeFixture.WAIT.toNanos();
        double value = metric(port, series);
        while (value < expected && System.nanoTime() < deadline) {
            NodeFixture.sleep(Duration.ofMillis(50));
            value = metric(port, series);
        }
        return value;
    }

    /** The series of Camel's exchange count for one route of one node. */
    private static String routeExchanges(String camelContext, String routeId) {
        return "camel_exchanges_total{camelContext=\"" + camelContext + "\",eventType=\"route\",kind=\"CamelRoute\","
                + "routeId=\"" + routeId + "\"}";
    }

    /** One series of the node's Prometheus scrape, 0 when absent. */
    private static double metric(int port, String series) {
        HttpResponse<String> scrape = get(port, "/observe/metrics");
        assertEquals(200, scrape.statusCode());
        return NodeProcess.series(scrape.body(), series);
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " on :" + port + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
