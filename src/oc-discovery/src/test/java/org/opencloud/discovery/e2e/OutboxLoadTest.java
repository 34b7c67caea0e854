package org.opencloud.discovery.e2e;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * Issue 9, load through the outboxes: node A, a process with a nats-server with JetStream, and partners (nodes in
 * this JVM, each with its nats-server; {@code -Doc.test.load.partners}, default {@value #PARTNERS}); 1 KiB PB_CREATE
 * events published on A's NATS at a sustained rate ({@code -Doc.test.load.rate}, default {@value #RATE}/s) for
 * {@code -Doc.test.load.seconds} (default {@value #SECONDS}). The long form, 16 partners for 60 s, is a
 * README command; the suite's short form keeps to 8 partners for 10 s (16 for 20 s took two minutes of the suite,
 * most of it starting and stopping nodes). Every partner gets every event, and A's heap after GC, threads and file
 * descriptors at the end are where they were a quarter into the run.
 */
class OutboxLoadTest {
    private static final int PARTNERS = 8;
    private static final int RATE = 100;
    private static final int SECONDS = 10;
    private static final int RESOURCE_BYTES = 1024;

    @TempDir
    Path dir;
    private final Running running = new Running();

    @AfterEach
    void stop() throws Exception {
        running.closeAll();
    }

    @Test
    void everyPartnerGetsEveryEventAndTheSenderStaysFlat() throws Exception {
        int partnerCount = Integer.getInteger("oc.test.load.partners", PARTNERS);
        int rate = Integer.getInteger("oc.test.load.rate", RATE);
        int seconds = Integer.getInteger("oc.test.load.seconds", SECONDS);
        DurableNode a = new DurableNode("node-a", dir.resolve("a"));
        running.add(a);
        List<NodeFixture> partners = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < partnerCount; i++) {
            NodeFixture partner = new NodeFixture("p" + i, Files.createDirectories(dir.resolve("p" + i)));
            running.add(partner);
            partner.peers(List.of(peerJson(a.peerId(), a.address(), "PARTNER")));
            partners.add(partner);
            peers.add(peerJson(partner.peerId(), partner.address(), "PARTNER").toString());
        }
        a.partners(List.of(), peers.toArray(String[]::new)).start();
        partners.forEach(NodeFixture::start);
        a.process().awaitReady();
        List<Set<String>> arrived = new ArrayList<>();
        for (NodeFixture partner : partners) {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            partner.nats().createDispatcher(message -> ids.add(decodedPayload(json(message).path("Payload"))
                    .path("id").asText())).subscribe("CREATE_RESOURCE");
            partner.nats().flush(Duration.ofSeconds(10));
            arrived.add(ids);
        }

        int events = rate * seconds;
        List<byte[]> load = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            load.add(event(i));
        }
        try (Connection app = Nats.connect(new Options.Builder().server(a.nats().url())
                .connectionName(NodeFixture.TEST_CLIENT).build())) {
            long start = System.nanoTime();
            PacedPublisher publisher = PacedPublisher.plain(app, load, rate);
            publisher.awaitPublished(events / 4);
            ProcessSnapshot quarter = ProcessSnapshot.take(a.process().pid()); // the publisher keeps its pace meanwhile
            publisher.accepted();
            double publishSeconds = (System.nanoTime() - start) / 1e9;
            // generous: the rate is not asserted, only that everything arrives (the suite shares its cores)
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (arrived.stream().anyMatch(ids -> ids.size() < events) && System.nanoTime() < deadline) {
                NodeFixture.sleep(Duration.ofMillis(100));
            }
            double deliveredSeconds = (System.nanoTime() - start) / 1e9;
            ProcessSnapshot end = ProcessSnapshot.take(a.process().pid());
            System.out.printf("%d partners, %d events of %d bytes published at %.0f/s over %.1f s; every partner had "
                            + "them after %.1f s (%.0f deliveries/s); A a quarter in: %s; at the end: %s%n", partnerCount,
                    events, RESOURCE_BYTES, events / publishSeconds, publishSeconds, deliveredSeconds,
                    partnerCount * events / deliveredSeconds, quarter, end);
            for (int i = 0; i < partnerCount; i++) {
                assertEquals(events, arrived.get(i).size(), "events on partner " + i);
            }
            assertTrue(end.threads() <= quarter.threads() + 4, "threads grew: " + quarter + " -> " + end);
            assertTrue(end.fds() <= quarter.fds() + 8, "file descriptors grew: " + quarter + " -> " + end);
            assertTrue(end.heapAfterGcKib() <= quarter.heapAfterGcKib() + 32 * 1024, "heap grew: " + quarter + " -> " + end);
        }
    }

    /** A PB_CREATE whose resource JSON is exactly {@value #RESOURCE_BYTES} bytes. */
    private static byte[] event(int i) {
        String head = "{\"id\":\"load-" + i + "\",\"pad\":\"";
        String resource = head + "x".repeat(RESOURCE_BYTES - head.length() - 2) + "\"}";
        return propagationEvent("load-app", "PB_CREATE", "DATA_RESOURCE", resource, false)
                .getBytes(StandardCharsets.UTF_8);
    }
}
