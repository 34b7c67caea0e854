package org.opencloud.discovery.e2e;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.propagation.directory.EmbeddedMongo;
import org.opencloud.discovery.propagation.directory.EmbeddedPeerStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node with {@code oc.mongo.uri} keeps its directory in that MongoDB (mongo-java-server here) and opens no
 * embedded store; its {@code peer-directory} readiness follows the driver's view of the server.
 */
class MongoDirectoryNodeTest {
    @TempDir
    Path dir;

    @Test
    void seedsIntoTheConfiguredMongoDbAndIsReadyWhileItIsReachable() throws Exception {
        String partner = PrivateKey.generate().peerId().toString();
        EmbeddedMongo mongo = new EmbeddedMongo();
        try (MongoClient client = MongoClients.create(mongo.connectionString());
             NodeFixture node = new NodeFixture("mongo-node", dir)) {
            // the driver polls the server every 10 s by default
            node.set("oc.mongo.uri", mongo.connectionString() + "/?heartbeatFrequencyMS=500")
                    .set("oc.mongo.database", "oc-e2e")
                    .peers(List.of(NodeFixture.peerJson(partner, "/ip4/127.0.0.1/tcp/1/p2p/" + partner, "PARTNER")))
                    .start();

            Document seeded = client.getDatabase("oc-e2e").getCollection("peers").find().first();
            assertEquals(partner, seeded.getString("_id"));
            assertEquals("PARTNER", seeded.getString("relation"));
            assertEquals("seed", seeded.getString("origin"));
            assertFalse(Files.exists(dir.resolve("data").resolve(EmbeddedPeerStore.STORE_FILE)), "no embedded store");

            HealthCheck.Result ready = directoryReadiness(node);
            assertEquals(HealthCheck.State.UP, ready.getState(), ready::toString);
            assertTrue(String.valueOf(ready.getDetails().get("store")).startsWith("MongoDB"), ready::toString);

            mongo.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (directoryReadiness(node).getState() == HealthCheck.State.UP && System.nanoTime() < deadline) {
                NodeFixture.sleep(Duration.ofMillis(200));
            }
            assertEquals(HealthCheck.State.DOWN, directoryReadiness(node).getState(), "MongoDB stopped");
        } finally {
            mongo.close();
        }
    }

    private static HealthCheck.Result directoryReadiness(NodeFixture node) {
        return HealthCheckHelper.invokeReadiness(node.node().context(), "full").stream()
                .filter(result -> result.getCheck().getId().equals("peer-directory"))
                .findFirst().orElseThrow(() -> new AssertionError("no peer-directory check"));
    }
}
