package org.opencloud.discovery.node;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.propagation.catalogue.ResourceCatalogue;
import org.opencloud.discovery.propagation.catalogue.ResourceQuery;
import org.opencloud.discovery.propagation.directory.EmbeddedMongo;

import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalogue's settings as the built-in defaults and an operator's overrides give them. */
class SearchConfigurationTest {
    private final DefaultCamelContext context = new DefaultCamelContext();

    @TempDir
    Path data;

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    private PropertiesComponent props(String... overrides) {
        Properties given = new Properties();
        given.setProperty("oc.data-dir", data.toString());
        for (int i = 0; i < overrides.length; i += 2) {
            given.setProperty(overrides[i], overrides[i + 1]);
        }
        PropertiesComponent props = context.getPropertiesComponent();
        props.setLocation("classpath:" + NodeProperties.DEFAULTS);
        props.setOverrideProperties(given);
        return props;
    }

    @Test
    void theDefaultsNameACollectionPerResourceTypeAndTheOwnEmbeddedStore() {
        PropertiesComponent props = props();
        assertEquals("compute_resource", SearchConfiguration.collections(
                NodeConfiguration.setting(props, "oc.catalogue.oc-lib.collections")).get("COMPUTE_RESOURCE"));
        assertEquals(10, SearchConfiguration.collections(
                NodeConfiguration.setting(props, "oc.catalogue.oc-lib.collections")).size());
        try (ResourceCatalogue own = SearchConfiguration.catalogue(props)) {
            assertTrue(own.describe().startsWith("in-process file " + data), own.describe());
        }
    }

    @Test
    void anOcLibCatalogueWithoutItsOwnUriUsesTheDirectorysMongoDb() {
        String self = PrivateKey.generate().peerId().toString();
        try (EmbeddedMongo mongo = new EmbeddedMongo(); MongoClient client = MongoClients.create(mongo.connectionString())) {
            client.getDatabase("opencloud").getCollection("compute_resource").insertOne(new Document("id", "c1")
                    .append("name", "GPU").append("creator_id", self).append("access", "PUBLIC"));
            try (ResourceCatalogue ocLib = SearchConfiguration.catalogue(props("oc.catalogue.store", "oc-lib",
                    "oc.mongo.uri", mongo.connectionString()))) {
                assertEquals("oc-lib MongoDB database opencloud", ocLib.describe());
                assertEquals(1, ocLib.search(new ResourceQuery("COMPUTE_RESOURCE", "gpu", "anyone", self, 10)).size());
            }
        }
    }

    @Test
    void misconfigurationsAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> SearchConfiguration.catalogue(props("oc.catalogue.store",
                "oc-lib")), "oc-lib with no MongoDB at all");
        assertThrows(IllegalArgumentException.class, () -> SearchConfiguration.catalogue(props("oc.catalogue.store",
                "elastic")));
        assertThrows(IllegalArgumentException.class, () -> SearchConfiguration.collections("COMPUTE_RESOURCE"));
    }
}
