package org.opencloud.discovery.camel;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.protocol.pubsub.GossipConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code libp2p:pubsub:<topic>}: a producer route publishes, a consumer route on another node receives. */
class Libp2pPubsubEndpointTest {
    @TempDir
    Path dir;

    @Test
    void aProducerRoutePublishesOnTheTopicAndAConsumerRouteOnAnotherNodeReceivesIt() throws Exception {
        try (Libp2pNode a = Libp2pNode.start(dir, "a", c -> c.setPubsubConfig(new GossipConfig()));
             Libp2pNode b = Libp2pNode.start(dir, "b", c -> c.setPubsubConfig(new GossipConfig()))) {
            a.routes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:search").to("libp2p:pubsub:search");
                }
            });
            b.routes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("libp2p:pubsub:search").convertBodyTo(String.class).to("mock:found");
                }
            });
            a.component.activeHost().connect(b.address()).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!a.component.activePubsub().topicPeers("search").contains(b.peerId())) {
                assertTrue(System.nanoTime() < deadline, "a never learnt that b subscribes");
                Thread.sleep(50);
            }
            MockEndpoint found = b.mock("found");
            found.expectedBodiesReceived("{\"search\":\"x\"}");
            found.expectedHeaderReceived(Libp2pConstants.PEER_ID, a.peerId().toString());
            found.expectedHeaderReceived(Libp2pConstants.TOPIC, "search");
            Exchange sent = a.send("direct:search", "{\"search\":\"x\"}".getBytes(StandardCharsets.UTF_8));
            assertEquals(null, sent.getException());
            found.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));

            Exchange tooLarge = a.send("direct:search", new byte[1 << 20]);
            assertInstanceOf(IllegalArgumentException.class, tooLarge.getException(), "over the 1 MiB RPC limit");
        }
    }

    @Test
    void aTopicEndpointWithoutPubsubConfigFailsAndAnEmptyTopicIsRefused() throws Exception {
        try (Libp2pNode a = Libp2pNode.start(dir, "plain")) {
            Exchange sent = a.send("libp2p:pubsub:search", "x");
            assertInstanceOf(IllegalStateException.class, sent.getException());
            assertTrue(sent.getException().getMessage().contains("pubsubConfig"));
            Exception empty = assertThrows(Exception.class, () -> a.context.getEndpoint("libp2p:pubsub:"));
            assertTrue(empty.getMessage().contains("names no topic") || empty.getCause().getMessage().contains("names no topic"),
                    empty.toString());
        }
    }
}
