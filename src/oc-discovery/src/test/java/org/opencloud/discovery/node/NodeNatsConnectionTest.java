package org.opencloud.discovery.node;

import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.e2e.NatsServerRunners;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's NATS connection against a real nats-server. */
class NodeNatsConnectionTest {

    @Test
    void theNodeDoesNotHearWhatItPublishedItselfButHearsOthers() throws Exception {
        try (NatsServerRunner server = NatsServerRunners.builder().outputLevel(Level.WARNING).build();
             NodeNatsConnection nats = new NodeNatsConnection(server.getURI(), "echo-test");
             Connection app = Nats.connect(server.getURI())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!nats.isConnected()) {
                assertTrue(System.nanoTime() < deadline, "not connected to " + server.getURI());
                Thread.sleep(20);
            }
            Connection node = nats.connection();
            Subscription followed = node.subscribe("CREATE_RESOURCE");
            node.flush(Duration.ofSeconds(5)); // the subscription is on the server
            node.publish("CREATE_RESOURCE", "the node's own".getBytes(StandardCharsets.UTF_8));
            node.flush(Duration.ofSeconds(5)); // the server had it before the app's, below
            app.publish("CREATE_RESOURCE", "an app's".getBytes(StandardCharsets.UTF_8));
            app.flush(Duration.ofSeconds(5));
            Message first = followed.nextMessage(Duration.ofSeconds(5));
            assertNotNull(first, "the app's message reaches the node");
            assertEquals("an app's", new String(first.getData(), StandardCharsets.UTF_8),
                    "the node's own message, sent first, is not echoed");
        }
    }
}
