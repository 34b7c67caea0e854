package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * PB_SEARCH of DataType PEER answered from the directory: the record of the peer named by id, or by the
 * name it is known under, on the local SEARCH_EVENT; a search that finds nobody says so, with its text.
 */
class PeerSearchTest {
    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static final String PARTNER_ID = PrivateKey.generate().peerId().toString();
    private static final String PARTNER_ADDRESS = "/ip4/127.0.0.1/tcp/1/p2p/" + PARTNER_ID;

    @BeforeAll
    static void start() throws Exception {
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")))
                .peers(List.of(peerJson(PARTNER_ID, PARTNER_ADDRESS, "PARTNER").put("did", "did:oc:partner-9")))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a);
    }

    @Test
    void aPeerSearchedByIdOrDidIsAnsweredWithItsRecord() {
        for (String search : List.of(PARTNER_ID, "did:oc:partner-9")) {
            JsonNode found = search(search);
            assertEquals(PARTNER_ID, found.path("peer_id").asText(), found::toString);
            assertEquals(PARTNER_ADDRESS, found.path("stream_address").path(0).asText(), found::toString);
            assertEquals(2, found.path("relation").asInt(), "PARTNER as oc-lib numbers it: " + found);
        }
    }

    @Test
    void aSearchThatFindsNobodySaysSo() {
        String unknown = PrivateKey.generate().peerId().toString();
        for (String search : List.of(unknown, "nobody by that name")) {
            JsonNode answer = search(search);
            assertEquals(search, answer.path("search").asText(), answer::toString);
            assertFalse(answer.path("found").asBoolean(true), answer::toString);
        }
    }

    /** Publishes PB_SEARCH PEER on A's NATS and returns the payload of the SEARCH_EVENT that answers it. */
    private static JsonNode search(String text) {
        Subscription answers = a.subscribe("SEARCH_EVENT");
        String payload = NodeFixture.JSON.createObjectNode().put("type", "all").put("search", text).toString();
        a.publish("PROPALGATION_EVENT", propagationEvent("search-app", "PB_SEARCH", "PEER", payload, false));
        JsonNode event = json(next(answers));
        assertEquals("oc-discovery", event.path("FromApp").asText());
        return decodedPayload(event.path("Payload"));
    }
}
