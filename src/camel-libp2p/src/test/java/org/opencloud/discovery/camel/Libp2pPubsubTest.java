package org.opencloud.discovery.camel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.protocol.pubsub.GossipConfig;
import org.opencloud.discovery.p2p.protocol.pubsub.PubsubMessage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pubsubConfig} runs gossipsub on the host the component creates; the product publishes and subscribes through {@code activePubsub()}. */
class Libp2pPubsubTest {
    @TempDir
    Path dir;

    @Test
    void twoComponentsWithPubsubConfigExchangeSignedMessagesOnATopic() throws Exception {
        try (Libp2pNode a = Libp2pNode.start(dir, "a", c -> c.setPubsubConfig(new GossipConfig()));
             Libp2pNode b = Libp2pNode.start(dir, "b", c -> c.setPubsubConfig(new GossipConfig()))) {
            List<PubsubMessage> received = new CopyOnWriteArrayList<>();
            b.component.activePubsub().subscribe("search", received::add);
            a.component.activePubsub().subscribe("search", m -> { });
            a.component.activeHost().connect(b.address()).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!a.component.activePubsub().meshPeers("search").contains(b.peerId())) {
                assertTrue(System.nanoTime() < deadline, "b never joined a's mesh");
                Thread.sleep(50);
            }
            assertEquals(1, a.component.activePubsub().publish("search", "find x".getBytes(StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS));
            while (received.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "b never received a's message");
                Thread.sleep(20);
            }
            assertEquals("find x", new String(received.get(0).data(), StandardCharsets.UTF_8));
            assertEquals(a.peerId(), received.get(0).from());
        }
    }

    @Test
    void noPubsubUnlessConfigured() throws Exception {
        try (Libp2pNode a = Libp2pNode.start(dir, "plain")) {
            assertNull(a.component.activePubsub());
            assertTrue(a.component.activeHost().protocols().stream().noneMatch(p -> p.startsWith("/meshsub/")));
        }
    }
}
