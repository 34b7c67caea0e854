package org.opencloud.discovery.propagation.catalogue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.h2.mvstore.MVStore;
import org.opencloud.discovery.propagation.directory.EmbeddedMongo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's own resources as it propagates them, in both stores it may use (the embedded file and a MongoDB,
 * here mongo-java-server through the real driver): upserted, replaced, removed, and found only when created by
 * this node, public or shared with the requester, and matching the text.
 */
class OwnResourceCatalogueTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final ResourceFields FIELDS = new ResourceFields("id", "creator_id", "access", List.of("PUBLIC"),
            "partnerships", List.of("name", "description"));
    private static final String SELF = PrivateKey.generate().peerId().toString();
    private static final String FRIEND = PrivateKey.generate().peerId().toString();
    private static final String STRANGER = PrivateKey.generate().peerId().toString();
    private static final String COMPUTE = "COMPUTE_RESOURCE";

    enum Store { EMBEDDED, MONGO }

    private static EmbeddedMongo mongo;
    private ResourceCatalogue catalogue;
    private Path dataDir;

    @BeforeAll
    static void startMongo() {
        mongo = new EmbeddedMongo();
    }

    @AfterAll
    static void stopMongo() {
        mongo.close();
    }

    @AfterEach
    void close() {
        if (catalogue != null) {
            catalogue.close();
        }
    }

    private ResourceCatalogue open(Store store) throws IOException {
        if (store == Store.EMBEDDED) {
            if (dataDir == null) {
                dataDir = Files.createTempDirectory("catalogue").resolve("data");
            }
            catalogue = EmbeddedResourceCatalogue.open(dataDir, FIELDS);
        } else {
            catalogue = new MongoResourceCatalogue(mongo.connectionString(), "oc-discovery",
                    "resources-" + UUID.randomUUID(), FIELDS);
        }
        return catalogue;
    }

    private List<String> search(String text, String requester) {
        return catalogue.search(new ResourceQuery(COMPUTE, text, requester, SELF, 100));
    }

    /** As the outbound route keeps a resource: parsed once, with the text as propagated. */
    private boolean upsert(String dataType, String resourceJson) throws IOException {
        return catalogue.upsert(dataType, JSON.readTree(resourceJson), resourceJson);
    }

    private boolean remove(String dataType, String resourceJson) throws IOException {
        return catalogue.remove(dataType, JSON.readTree(resourceJson));
    }

    private static String resource(String id, String name, String access, String creator, String sharedWith) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"description\":\"a test resource\""
                + (access == null ? "" : ",\"access\":\"" + access + "\"")
                + (creator == null ? "" : ",\"creator_id\":\"" + creator + "\"")
                + (sharedWith == null ? "" : ",\"partnerships\":{\"" + sharedWith + "\":{\"rights\":[\"read\"]}}") + "}";
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void findsOwnPublicOrSharedResourcesMatchingTheText(Store store) throws IOException {
        open(store);
        String gpu = resource("r1", "GPU Cluster", "PUBLIC", SELF, null);
        String shared = resource("r2", "Private gpu box", "PRIVATE", SELF, FRIEND);
        String secret = resource("r3", "secret GPU", "PRIVATE", SELF, null);
        String foreign = resource("r4", "their GPU", "PUBLIC", STRANGER, null);
        String noCreator = resource("r5", "gpu without creator", "public", null, null);
        for (String r : List.of(gpu, shared, secret, foreign, noCreator)) {
            assertTrue(upsert(COMPUTE, r));
        }
        assertTrue(upsert("STORAGE_RESOURCE", resource("s1", "GPU storage", "PUBLIC", SELF, null)));

        assertEquals(List.of(gpu, noCreator), sorted(search("gpu", STRANGER)));
        assertEquals(List.of(gpu, shared, noCreator), sorted(search("GpU", FRIEND)));
        assertEquals(List.of(gpu), search("cluster", FRIEND));
        assertEquals(List.of(gpu, shared, noCreator), sorted(search("", FRIEND)), "an empty text matches all");
        assertEquals(List.of(gpu, shared, noCreator), sorted(search("test RESOURCE", FRIEND)), "any searched field");
        assertEquals(List.of(), search("r1", FRIEND), "the id is not a searched field");
        assertEquals(List.of(), search("g.u", FRIEND), "the text is literal, not a pattern");
        assertEquals(2, catalogue.search(new ResourceQuery(COMPUTE, "", FRIEND, SELF, 2)).size(), "the limit");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void updatesReplaceAndDeletesRemove(Store store) throws IOException {
        open(store);
        upsert(COMPUTE, resource("r1", "old name", "PUBLIC", SELF, null));
        String renamed = resource("r1", "new name", "PUBLIC", SELF, null);
        upsert(COMPUTE, renamed);
        assertEquals(List.of(), search("old", STRANGER));
        assertEquals(List.of(renamed), search("new", STRANGER));

        assertFalse(remove("STORAGE_RESOURCE", renamed), "another data type's r1");
        assertTrue(remove(COMPUTE, "{\"id\":\"r1\"}"), "a delete names the resource by its id");
        assertEquals(List.of(), search("", STRANGER));
        assertFalse(remove(COMPUTE, "{\"id\":\"r1\"}"));
        assertFalse(upsert(COMPUTE, "{\"name\":\"no id\",\"access\":\"PUBLIC\"}"), "not kept without an id");
        assertEquals(List.of(), search("", STRANGER));
    }

    @org.junit.jupiter.api.Test
    void theEmbeddedStoreIsAnOwnerOnlyFileThatSurvivesARestart() throws IOException {
        open(Store.EMBEDDED);
        String gpu = resource("r1", "GPU", "PUBLIC", SELF, null);
        upsert(COMPUTE, gpu);
        catalogue.close();
        Path file = dataDir.resolve(EmbeddedResourceCatalogue.STORE_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        open(Store.EMBEDDED);
        assertEquals(List.of(gpu), search("gpu", STRANGER));
    }

    @org.junit.jupiter.api.Test
    void theEmbeddedStoreReadsTheEntriesAnEarlierVersionWroteAsOneJsonDocument() throws IOException {
        dataDir = Files.createTempDirectory("catalogue").resolve("data");
        String earlier = resource("r0", "GPU of before", "PUBLIC", SELF, null);
        Files.createDirectories(dataDir);
        try (MVStore store = new MVStore.Builder().fileName(dataDir.resolve(EmbeddedResourceCatalogue.STORE_FILE).toString()).open()) {
            store.<String, String>openMap("resources").put(COMPUTE + "/r0", "{\"_id\":\"" + COMPUTE + "/r0\",\"data_type\":\""
                    + COMPUTE + "\",\"resource_id\":\"r0\",\"creator\":\"" + SELF + "\",\"public\":true,"
                    + "\"shared_with\":[],\"texts\":[\"gpu of before\"],\"json\":" + JSON.writeValueAsString(earlier) + "}");
        }
        open(Store.EMBEDDED);
        String gpu = resource("r1", "GPU", "PUBLIC", SELF, null);
        upsert(COMPUTE, gpu);
        assertEquals(sorted(List.of(earlier, gpu)), sorted(search("gpu", STRANGER)));
    }

    private static List<String> sorted(List<String> resources) {
        return resources.stream().sorted().toList();
    }
}
