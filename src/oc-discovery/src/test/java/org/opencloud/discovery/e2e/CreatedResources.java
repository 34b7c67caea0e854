package org.opencloud.discovery.e2e;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;

/**
 * Counts what arrives on a nats-server's CREATE_RESOURCE, by resource id, through a test client that reconnects
 * for ever (so it counts again once a stopped server is back).
 */
final class CreatedResources implements AutoCloseable {
    private final Connection connection;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final AtomicInteger messages = new AtomicInteger();

    CreatedResources(NatsServerProcess server) throws Exception {
        connection = connect(server);
        connection.createDispatcher(message -> {
            String id = decodedPayload(json(message).path("Payload")).path("id").asText();
            ids.merge(id, 1, Integer::sum);
            messages.incrementAndGet();
        }).subscribe("CREATE_RESOURCE");
        connection.flush(Duration.ofSeconds(10));
    }

    /** A test client of {@code server} (connection name {@link NodeFixture#TEST_CLIENT}) that reconnects for ever. */
    static Connection connect(NatsServerProcess server) throws IOException, InterruptedException {
        return Nats.connect(new Options.Builder().server(server.url()).connectionName(NodeFixture.TEST_CLIENT)
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(100)).build());
    }

    Connection connection() {
        return connection;
    }

    Set<String> distinct() {
        return new TreeSet<>(ids.keySet());
    }

    /** How many messages arrived, copies included. */
    int messages() {
        return messages.get();
    }

    /** How often resource {@code id} arrived. */
    int count(String id) {
        return ids.getOrDefault(id, 0);
    }

    /** Waits until every id of {@code expected} arrived, failing with the missing ones after {@code timeout}. */
    void awaitAll(Set<String> expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ids.keySet().containsAll(expected) && System.nanoTime() < deadline) {
            NodeFixture.sleep(Duration.ofMillis(100));
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(ids.keySet());
        assertEquals(Set.of(), missing, missing.size() + " of " + expected.size() + " never arrived");
    }

    @Override
    public void close() throws InterruptedException {
        connection.close();
    }
}
