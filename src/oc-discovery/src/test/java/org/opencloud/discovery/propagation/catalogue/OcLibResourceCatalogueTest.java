package org.opencloud.discovery.propagation.catalogue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.propagation.directory.EmbeddedMongo;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An oc-lib MongoDB read in place (mongo-java-server through the real driver), with collection and field names
 * other than the defaults, as an operator configures them: its documents are found on those names, and this node
 * never writes there.
 */
class OcLibResourceCatalogueTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Names unlike the defaults: a nested searched field, access as a Go int, shares as a list. */
    private static final ResourceFields FIELDS = new ResourceFields("uuid", "owner", "meta.visibility", List.of("0"),
            "shares", List.of("title", "meta.summary"));
    private static final String SELF = PrivateKey.generate().peerId().toString();
    private static final String FRIEND = PrivateKey.generate().peerId().toString();
    private static final String STRANGER = PrivateKey.generate().peerId().toString();

    private EmbeddedMongo mongo;
    private MongoClient client;
    private MongoDatabase db;
    private OcLibResourceCatalogue catalogue;

    @BeforeEach
    void start() {
        mongo = new EmbeddedMongo();
        client = MongoClients.create(mongo.connectionString());
        db = client.getDatabase("DC_myDC");
        db.getCollection("computes").insertMany(List.of(
                doc("c1", "Big GPU", "fast", 0, SELF, List.of()),
                doc("c2", "Small gpu", "shared", 1, SELF, List.of(FRIEND)),
                doc("c3", "Hidden", "a private GPU", 1, SELF, List.of()),
                doc("c4", "Their GPU", "not ours", 0, STRANGER, List.of())));
        db.getCollection("storages").insertOne(doc("s1", "GPU disk", "storage", 0, SELF, List.of()));
        catalogue = new OcLibResourceCatalogue(mongo.connectionString(), "DC_myDC",
                Map.of("COMPUTE_RESOURCE", "computes", "STORAGE_RESOURCE", "storages"), FIELDS);
    }

    @AfterEach
    void stop() {
        catalogue.close();
        client.close();
        mongo.close();
    }

    private static Document doc(String id, String title, String summary, int visibility, String owner, List<String> shares) {
        return new Document("uuid", id).append("title", title).append("owner", owner).append("shares", shares)
                .append("meta", new Document("visibility", visibility).append("summary", summary));
    }

    private List<String> titles(String dataType, String text, String requester) {
        return catalogue.search(new ResourceQuery(dataType, text, requester, SELF, 10)).stream()
                .map(json -> Document.parse(json).getString("title")).sorted().toList();
    }

    @Test
    void findsOnTheConfiguredCollectionsAndFields() {
        assertEquals(List.of("Big GPU"), titles("COMPUTE_RESOURCE", "gpu", STRANGER));
        assertEquals(List.of("Big GPU", "Small gpu"), titles("COMPUTE_RESOURCE", "GPU", FRIEND));
        assertEquals(List.of("Small gpu"), titles("COMPUTE_RESOURCE", "SHARED", FRIEND), "a nested searched field");
        assertEquals(List.of("GPU disk"), titles("STORAGE_RESOURCE", "gpu", STRANGER));
        assertEquals(List.of(), titles("DATA_RESOURCE", "", FRIEND), "a data type with no collection configured");
        assertEquals(List.of(), titles("COMPUTE_RESOURCE", "g.u", FRIEND), "the text is literal");
        assertEquals(1, catalogue.search(new ResourceQuery("COMPUTE_RESOURCE", "", FRIEND, SELF, 1)).size());
    }

    @Test
    void sharedWithAnObjectKeyedByPeerIdAndAccessByName() {
        ResourceFields named = new ResourceFields("uuid", "owner", "access", List.of("PUBLIC"), "partnerships",
                List.of("title"));
        db.getCollection("workflows").insertMany(List.of(
                new Document("uuid", "w1").append("title", "flow one").append("owner", SELF).append("access", "public"),
                new Document("uuid", "w2").append("title", "flow two").append("owner", SELF).append("access", "private")
                        .append("partnerships", new Document(FRIEND, new Document("rights", List.of("read"))))));
        try (OcLibResourceCatalogue workflows = new OcLibResourceCatalogue(mongo.connectionString(), "DC_myDC",
                Map.of("WORKFLOW", "workflows"), named)) {
            assertEquals(List.of("flow one", "flow two"), workflows.search(new ResourceQuery("WORKFLOW", "FLOW", FRIEND,
                    SELF, 10)).stream().map(json -> Document.parse(json).getString("title")).sorted().toList());
            assertEquals(List.of("flow one"), workflows.search(new ResourceQuery("WORKFLOW", "flow", STRANGER,
                    SELF, 10)).stream().map(json -> Document.parse(json).getString("title")).toList());
        }
    }

    @Test
    void thisNodeNeverWritesTheOcLibDatabase() throws Exception {
        String resource = "{\"uuid\":\"n1\",\"title\":\"gpu\",\"owner\":\"" + SELF + "\"}";
        assertFalse(catalogue.upsert("COMPUTE_RESOURCE", JSON.readTree(resource), resource));
        assertFalse(catalogue.remove("COMPUTE_RESOURCE", JSON.readTree("{\"uuid\":\"c1\"}")));
        assertEquals(4, db.getCollection("computes").countDocuments());
    }
}
