package org.opencloud.discovery.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.propagation.catalogue.EmbeddedResourceCatalogue;
import org.opencloud.discovery.propagation.catalogue.MongoResourceCatalogue;
import org.opencloud.discovery.propagation.catalogue.ResourceCatalogue;
import org.opencloud.discovery.propagation.catalogue.ResourceFields;
import org.opencloud.discovery.propagation.catalogue.ResourceQuery;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.PropagationRequest;
import org.opencloud.discovery.propagation.directory.EmbeddedMongo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The resource catalogue follows what the node propagates, in both own stores (the embedded file, and a MongoDB:
 * mongo-java-server through the real driver): PB_CREATE and PB_UPDATE keep a resource, PB_DELETE forgets it, as the
 * outbound route's steps call them with the decoded PROPALGATION_EVENT; peers are not kept.
 */
class OwnResourcesTest {
    private static final ResourceFields FIELDS = new ResourceFields("id", "creator_id", "access", List.of("PUBLIC"),
            "partnerships", List.of("name"));
    private static final String SELF = PrivateKey.generate().peerId().toString();
    private final PropagationCodec codec = new PropagationCodec(CodecTable.defaults(), "oc-discovery");
    private EmbeddedMongo mongo;
    private ResourceCatalogue catalogue;

    @TempDir
    Path data;

    @AfterEach
    void close() {
        catalogue.close();
        if (mongo != null) {
            mongo.close();
        }
    }

    private PropagationRequest request(String action, String dataType, String name) {
        String resource = "{\"id\":\"r1\",\"name\":\"" + name + "\",\"access\":\"PUBLIC\",\"creator_id\":\"" + SELF + "\"}";
        String event = "{\"FromApp\":\"app\",\"Datatype\":\"" + dataType + "\",\"User\":\"alice\",\"Payload\":{\"Action\":\""
                + action + "\",\"DataType\":\"" + dataType + "\",\"Payload\":" + resource + "}}";
        return codec.decodeNatsEvent(event.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> names(String dataType) {
        return catalogue.search(new ResourceQuery(dataType, "", "anyone", SELF, 10)).stream()
                .map(json -> codec.tolerantJson().text(codec.tolerantJson().parse(json, "r"), "peer.name")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "mongo"})
    void keptAndForgottenAsTheyPropagate(String store) {
        if (store.equals("embedded")) {
            catalogue = EmbeddedResourceCatalogue.open(data, FIELDS);
        } else {
            mongo = new EmbeddedMongo();
            catalogue = new MongoResourceCatalogue(mongo.connectionString(), "oc-discovery", "resources", FIELDS);
        }
        OwnResources own = new OwnResources(catalogue);
        own.upsert(request("PB_CREATE", "COMPUTE_RESOURCE", "first"));
        assertEquals(List.of("first"), names("COMPUTE_RESOURCE"));
        own.upsert(request("PB_UPDATE", "COMPUTE_RESOURCE", "second"));
        assertEquals(List.of("second"), names("COMPUTE_RESOURCE"));
        own.upsert(request("PB_CREATE", "PEER", "a peer"));
        assertEquals(List.of(), names("PEER"), "peers live in the directory");
        own.remove(request("PB_DELETE", "COMPUTE_RESOURCE", "second"));
        assertEquals(List.of(), names("COMPUTE_RESOURCE"));
    }

    @Test
    void aCatalogueThatCannotTakeAChangeDoesNotStopThePropagation() {
        catalogue = EmbeddedResourceCatalogue.open(data, FIELDS);
        catalogue.close();
        OwnResources own = new OwnResources(catalogue);
        assertDoesNotThrow(() -> own.upsert(request("PB_CREATE", "COMPUTE_RESOURCE", "first")));
        assertDoesNotThrow(() -> own.remove(request("PB_DELETE", "COMPUTE_RESOURCE", "first")));
    }
}
