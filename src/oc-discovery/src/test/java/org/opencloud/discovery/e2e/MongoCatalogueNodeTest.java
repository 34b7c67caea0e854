package org.opencloud.discovery.e2e;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.apache.camel.builder.NotifyBuilder;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.propagation.catalogue.EmbeddedResourceCatalogue;
import org.opencloud.discovery.propagation.directory.EmbeddedMongo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * The resource catalogue on MongoDB (mongo-java-server here), both ways it is configured: A, with {@code oc.mongo.uri},
 * keeps the resources it propagates in its MongoDB (collection {@code oc.catalogue.collection}); B reads an oc-lib
 * database in place ({@code oc.catalogue.store=oc-lib}) with its own collection and field names. Each finds the
 * other's.
 */
class MongoCatalogueNodeTest {
    @TempDir
    static Path dir;
    private static EmbeddedMongo ownMongo;
    private static EmbeddedMongo ocLibMongo;
    private static MongoClient ownClient;
    private static MongoClient ocLibClient;
    private static NodeFixture a;
    private static NodeFixture b;

    @BeforeAll
    static void start() throws Exception {
        ownMongo = new EmbeddedMongo();
        ocLibMongo = new EmbeddedMongo();
        ownClient = MongoClients.create(ownMongo.connectionString());
        ocLibClient = MongoClients.create(ocLibMongo.connectionString());
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")))
                .set("oc.mongo.uri", ownMongo.connectionString()).set("oc.mongo.database", "oc-e2e")
                .set("oc.catalogue.collection", "own-resources");
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")))
                .set("oc.catalogue.store", "oc-lib")
                .set("oc.catalogue.oc-lib.uri", ocLibMongo.connectionString())
                .set("oc.catalogue.oc-lib.database", "DC_test")
                .set("oc.catalogue.oc-lib.collections", "COMPUTE_RESOURCE:computes, DATA_RESOURCE:datas")
                .set("oc.catalogue.field.id", "uuid")
                .set("oc.catalogue.field.creator", "owner")
                .set("oc.catalogue.field.access", "visibility")
                .set("oc.catalogue.public-values", "0")
                .set("oc.catalogue.field.shared-with", "shares")
                .set("oc.catalogue.field.searched", "title,meta.summary");
        b.partners(a).start();
        a.partners(b).start();
        ocLibClient.getDatabase("DC_test").getCollection("computes").insertMany(List.of(
                new Document("uuid", "k1").append("title", "GPU one").append("owner", b.peerId()).append("visibility", 0),
                new Document("uuid", "k2").append("title", "two").append("owner", b.peerId()).append("visibility", 1)
                        .append("shares", List.of(a.peerId())).append("meta", new Document("summary", "a GPU")),
                new Document("uuid", "k3").append("title", "GPU three").append("owner", b.peerId())
                        .append("visibility", 1)));
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a, b, ownClient, ocLibClient, ownMongo, ocLibMongo);
    }

    @Test
    void aFindsBsOcLibResourcesAndBFindsWhatAPropagated() {
        assertEquals(Set.of("k1", "k2"), search(a, "gpu", "uuid"));

        NotifyBuilder kept = new NotifyBuilder(a.node().context()).fromRoute("propagation-outbound").whenDone(1).create();
        a.publish("PROPALGATION_EVENT", propagationEvent("resources-app", "PB_CREATE", "COMPUTE_RESOURCE",
                "{\"id\":\"a1\",\"name\":\"GPU of A\",\"access\":\"PUBLIC\",\"creator_id\":\"" + a.peerId() + "\"}", true));
        assertTrue(kept.matches(NodeFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS));
        Document own = ownClient.getDatabase("oc-e2e").getCollection("own-resources").find().first();
        assertEquals("COMPUTE_RESOURCE/a1", own.getString("_id"));
        assertFalse(Files.exists(dir.resolve("a/data").resolve(EmbeddedResourceCatalogue.STORE_FILE)),
                "no embedded catalogue beside a MongoDB");
        assertEquals(Set.of("a1"), search(b, "gpu", "id"));
        assertEquals(3, ocLibClient.getDatabase("DC_test").getCollection("computes").countDocuments(),
                "B does not write the oc-lib database");
    }

    /** A partner search from {@code node}: the ids ({@code idField}) of what comes back, once the search is done. */
    private static Set<String> search(NodeFixture node, String text, String idField) {
        Subscription results = node.subscribe("SEARCH_EVENT");
        NotifyBuilder done = new NotifyBuilder(node.node().context()).fromRoute("resource-search").whenDone(1).create();
        node.publish("PROPALGATION_EVENT", propagationEvent("search-app", "PB_SEARCH", "COMPUTE_RESOURCE",
                "{\"type\":\"partner\",\"search\":\"" + text + "\"}", false));
        assertTrue(done.matches(NodeFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS));
        Set<String> ids = new TreeSet<>();
        try {
            Message message;
            while ((message = results.nextMessage(Duration.ofMillis(500))) != null) {
                ids.add(decodedPayload(json(message).path("Payload")).path(idField).asText());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return ids;
    }
}
