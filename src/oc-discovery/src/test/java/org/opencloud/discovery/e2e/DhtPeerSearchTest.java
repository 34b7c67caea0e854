package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;

/**
 * Three nodes in a line, A knows B and B knows C: A's PB_SEARCH for C's peer id is answered on A's NATS with
 * C's signed record, found on the DHT (C published it to B; A's directory has never heard of C).
 */
class DhtPeerSearchTest {
    private static final Duration FOUND_WITHIN = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;
    private static NodeFixture c;

    @BeforeAll
    static void start() throws Exception {
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")));
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")));
        c = new NodeFixture("node-c", Files.createDirectories(dir.resolve("c")));
        b.peers(List.of(peerJson(a.peerId(), a.address(), "PARTNER"), peerJson(c.peerId(), c.address(), "PARTNER")))
                .start();
        c.partners(b).start();
        a.partners(b).start();
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a, b, c);
    }

    @Test
    void aPeerTheDirectoryDoesNotKnowIsFoundOnTheDht() {
        long deadline = System.nanoTime() + FOUND_WITHIN.toNanos();
        JsonNode found = null;
        while (found == null && System.nanoTime() < deadline) { // until C's first record has reached B
            JsonNode answer = a.searchPeer(c.peerId());
            found = answer.has("peer_id") ? answer : null;
        }
        assertNotNull(found, "C's record not found through the DHT within " + FOUND_WITHIN);
        assertEquals(c.peerId(), found.path("peer_id").asText());
        assertEquals(c.address().replace("/p2p/" + c.peerId(), ""), found.path("stream_address").path(0).asText(),
                found::toString);
        assertEquals(0, found.path("relation").asInt(), "A has no relation with C: " + found);
    }
}
