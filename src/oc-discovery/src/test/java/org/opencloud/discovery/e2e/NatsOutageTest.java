package org.opencloud.discovery.e2e;

import io.nats.client.Subscription;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * A node does not need its NATS to start, and outlives NATS restarts: it starts and reports itself not
 * ready, connects when its nats-server appears, and after a restart of its own or its partner's nats-server
 * subscribes again and carries the next event (real nats-servers, stopped and started on the same port).
 */
class NatsOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private NodeFixture a;
    private NodeFixture b;

    @AfterEach
    void stop() throws Exception {
        NodeFixture.closeAll(a, b);
    }

    @Test
    void nodeStartedBeforeItsNatsConnectsWhenNatsAppears() throws Exception {
        a = NodeFixture.withoutNats("node-a", Files.createDirectories(dir.resolve("a")));
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b"))).partners(a).start();
        a.partners(b).start();
        awaitNats(a, HealthCheck.State.DOWN);

        a.startNats();
        a.awaitSubscribed();
        awaitNats(a, HealthCheck.State.UP);
        assertPropagates("r-after-late-start");
    }

    @Test
    void nodeResubscribesAfterItsOwnAndItsPartnersNatsRestart() throws Exception {
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")));
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b"))).partners(a).start();
        a.partners(b).start();
        assertPropagates("r-before");

        a.stopNats();
        awaitNats(a, HealthCheck.State.DOWN);
        a.startNats();
        a.awaitSubscribed();
        awaitNats(a, HealthCheck.State.UP);
        assertPropagates("r-after-a-restart");

        b.stopNats(); // B publishes what A sends on a connection that went away and came back
        awaitNats(b, HealthCheck.State.DOWN);
        b.startNats();
        b.awaitSubscribed();
        awaitNats(b, HealthCheck.State.UP);
        assertPropagates("r-after-b-restart");
    }

    private void assertPropagates(String id) {
        Subscription onB = b.subscribe("CREATE_RESOURCE");
        String resource = "{\"id\":\"" + id + "\",\"name\":\"" + id + "\"}";
        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "DATA_RESOURCE", resource, false));
        assertEquals(id, decodedPayload(json(next(onB)).path("Payload")).path("id").asText());
    }

    /** Waits until the node's readiness check {@code nats} is in {@code state}. */
    private static void awaitNats(NodeFixture node, HealthCheck.State state) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        HealthCheck nats = HealthCheckRegistry.get(node.node().context()).getCheck("nats").orElseThrow();
        HealthCheck.State last = null;
        while (System.nanoTime() < deadline) {
            last = nats.call().getState();
            if (last == state) {
                return;
            }
            NodeFixture.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError(node.name() + ": NATS readiness " + last + ", not " + state + " within " + WAIT);
    }
}
