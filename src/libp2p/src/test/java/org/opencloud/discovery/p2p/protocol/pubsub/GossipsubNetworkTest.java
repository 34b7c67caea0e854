package org.opencloud.discovery.p2p.protocol.pubsub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.Node;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.await;
import static org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.connect;

/** Java hosts with gossipsub over real TCP: messages cross a line of relays, meshes keep their degree, duplicates stop. */
class GossipsubNetworkTest {
    private static final String TOPIC = "search";
    private final PubsubTestNetwork net = new PubsubTestNetwork();

    @AfterEach
    void stop() {
        net.close();
    }

    @Test
    void aMessageCrossesALineOfTwelveHostsToNodesThePublisherNeverMet() throws Exception {
        int n = 12;
        for (int i = 0; i < n; i++) {
            net.node(PubsubTestNetwork.config()).join(TOPIC);
        }
        for (int i = 0; i + 1 < n; i++) {
            connect(net.nodes.get(i).host(), net.nodes.get(i + 1).host());
        }
        for (int i = 0; i < n; i++) {
            int expected = i == 0 || i == n - 1 ? 1 : 2; // a line: every neighbour is in the mesh (below D_lo)
            Node node = net.nodes.get(i);
            await("node " + i + "'s mesh of its " + expected + " neighbours",
                    () -> node.pubsub().meshPeers(TOPIC).size() == expected);
        }
        Node first = net.nodes.get(0);
        Node last = net.nodes.get(n - 1);
        assertFalse(first.host().connectedPeers().contains(last.host().peerId()), "the ends never met");

        long t0 = System.nanoTime();
        assertEquals(1, first.pubsub().publish(TOPIC, "hello line".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS));
        await("the far end received it", () -> last.receivedData("hello line") == 1);
        System.out.printf("gossipsub: %d hops along a line of %d hosts in %.1f ms%n", n - 1, n, (System.nanoTime() - t0) / 1e6);
        for (int i = 1; i < n; i++) {
            Node node = net.nodes.get(i);
            await("node " + i + " received it", () -> node.receivedData("hello line") == 1);
            PubsubMessage m = node.received().get(0);
            assertEquals(first.host().peerId(), m.from(), "the author, signed, whoever relayed it");
            assertEquals(net.nodes.get(i - 1).host().peerId(), m.receivedFrom(), "relayed by the previous host");
            assertEquals(8, m.seqno().length);
        }
        assertEquals(0, first.received().size(), "our own message is not handed back to us");

        assertEquals(1, last.pubsub().publish(TOPIC, "back".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS));
        await("the other end received the answer", () -> first.receivedData("back") == 1);
    }

    @Test
    void aPublisherOutsideTheTopicSendsThroughItsFanoutAndTheMeshCarriesItOn() throws Exception {
        Node publisher = net.node(PubsubTestNetwork.config().floodPublish(false));
        Node near = net.node(PubsubTestNetwork.config());
        Node far = net.node(PubsubTestNetwork.config());
        near.join(TOPIC);
        far.join(TOPIC);
        connect(publisher.host(), near.host());
        connect(near.host(), far.host());
        await("the publisher knows a subscriber", () -> publisher.pubsub().topicPeers(TOPIC).contains(near.host().peerId()));
        await("near and far meshed", () -> near.pubsub().meshPeers(TOPIC).contains(far.host().peerId()));

        assertEquals(1, publisher.pubsub().publish(TOPIC, "via fanout".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS));
        await("the far subscriber received it", () -> far.receivedData("via fanout") == 1);
        assertEquals(1, near.receivedData("via fanout"));
        assertTrue(publisher.pubsub().meshPeers(TOPIC).isEmpty(), "no mesh for a topic we only publish to");
    }

    @Test
    void aDenseNetworkKeepsEachMeshWithinDLowAndDHighAndTheSeenCacheDropsDuplicates() throws Exception {
        int n = 16;
        for (int i = 0; i < n; i++) {
            net.node(PubsubTestNetwork.config());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                connect(net.nodes.get(i).host(), net.nodes.get(j).host());
            }
        }
        for (Node node : net.nodes) {
            await("every peer speaks meshsub with us", () -> node.pubsub().peers().size() == n - 1);
        }
        net.nodes.forEach(node -> node.join(TOPIC));
        for (Node node : net.nodes) {
            await("every peer known as a subscriber", () -> node.pubsub().topicPeers(TOPIC).size() == n - 1);
        }
        // 15 subscribers each: a mesh of them all would be over D_hi = 12; the heartbeat keeps 5..12
        for (int round = 0; round < 5; round++) {
            for (Node node : net.nodes) {
                await("a mesh within 5..12: " + net.nodes.stream().map(x -> x.pubsub().meshPeers(TOPIC).size()).toList(), () -> {
                    int size = node.pubsub().meshPeers(TOPIC).size();
                    return size >= 5 && size <= 12;
                });
            }
            Thread.sleep(200); // one more heartbeat, then check again: the degree stays within bounds
        }
        for (Node node : net.nodes) {
            for (PeerId p : node.pubsub().meshPeers(TOPIC)) {
                Node other = net.nodes.stream().filter(x -> x.host().peerId().equals(p)).findFirst().orElseThrow();
                await("mesh links are symmetric once GRAFTs and PRUNEs settle",
                        () -> other.pubsub().meshPeers(TOPIC).contains(node.host().peerId())
                                || !node.pubsub().meshPeers(TOPIC).contains(p));
            }
        }

        Node publisher = net.nodes.get(0);
        long t0 = System.nanoTime();
        int sent = publisher.pubsub().publish(TOPIC, "to all".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        assertEquals(n - 1, sent, "flood publishing: to every subscriber we know");
        for (Node node : net.nodes.subList(1, n)) {
            await("delivered", () -> node.receivedData("to all") == 1);
        }
        System.out.printf("gossipsub: delivered to %d subscribers in %.1f ms%n", n - 1, (System.nanoTime() - t0) / 1e6);
        long duplicates = net.nodes.stream().mapToLong(x -> x.pubsub().stats().duplicates()).sum();
        assertTrue(duplicates > 0, "relays sent copies that the seen cache dropped: " + duplicates);
        Thread.sleep(500); // late copies still in flight are dropped too: each node handed it over once
        for (Node node : net.nodes.subList(1, n)) {
            assertEquals(1, node.receivedData("to all"), node.pubsub().stats().toString());
        }
        List<Long> delivered = net.nodes.stream().map(x -> x.pubsub().stats().delivered()).toList();
        assertEquals(n - 1, delivered.stream().mapToLong(Long::longValue).sum(), delivered.toString());
    }
}
