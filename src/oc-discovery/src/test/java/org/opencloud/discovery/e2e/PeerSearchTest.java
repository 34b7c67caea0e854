package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
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
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;

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
            JsonNode found = a.searchPeer(search);
            assertEquals(PARTNER_ID, found.path("peer_id").asText(), found::toString);
            assertEquals(PARTNER_ADDRESS, found.path("stream_address").path(0).asText(), found::toString);
            assertEquals(2, found.path("relation").asInt(), "PARTNER as oc-lib numbers it: " + found);
        }
    }

    @Test
    void aSearchThatFindsNobodySaysSo() {
        String unknown = PrivateKey.generate().peerId().toString();
        for (String search : List.of(unknown, "nobody by that name")) {
            JsonNode answer = a.searchPeer(search);
            assertEquals(search, answer.path("search").asText(), answer::toString);
            assertFalse(answer.path("found").asBoolean(true), answer::toString);
        }
    }
}
