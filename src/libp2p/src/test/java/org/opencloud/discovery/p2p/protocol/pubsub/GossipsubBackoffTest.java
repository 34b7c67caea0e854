package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.Node;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.await;

/** PRUNE backoff honoured both ways, against a hand-driven peer that records what our node sends it. */
class GossipsubBackoffTest {
    private static final String TOPIC = "search";
    private final PubsubTestNetwork net = new PubsubTestNetwork();

    @AfterEach
    void stop() {
        net.close();
    }

    /** Our node with the raw peer in its mesh of {@link #TOPIC}, grafted once. */
    private RawPubsubPeer grafted(Node node) throws Exception {
        return grafted(node, node::join);
    }

    private RawPubsubPeer grafted(Node node, Consumer<String> join) throws Exception {
        RawPubsubPeer raw = new RawPubsubPeer(net.host()).connect(node.host());
        raw.send(RawPubsubPeer.subscribe(TOPIC));
        await("the node knows the raw peer subscribes", () -> node.pubsub().topicPeers(TOPIC).contains(raw.host.peerId()));
        join.accept(TOPIC);
        await("the node grafted the raw peer", () -> raw.grafts(TOPIC) == 1);
        assertTrue(node.pubsub().meshPeers(TOPIC).contains(raw.host.peerId()));
        return raw;
    }

    private static RpcProto.ControlMessage.Builder prune(long backoffSeconds) {
        return RpcProto.ControlMessage.newBuilder().addPrune(
                RpcProto.ControlPrune.newBuilder().setTopicID(TOPIC).setBackoff(backoffSeconds));
    }

    @Test
    void aPeerThatPrunedUsIsNotGraftedAgainBeforeTheBackoffItNamedEnds() throws Exception {
        Node node = net.node(PubsubTestNetwork.config());
        RawPubsubPeer raw = grafted(node);

        long prunedAt = System.nanoTime();
        raw.send(RawPubsubPeer.control(prune(3)));
        await("the node left the raw peer out of its mesh", () -> !node.pubsub().meshPeers(TOPIC).contains(raw.host.peerId()));
        // the mesh (1 peer) is below D_lo: every 200 ms heartbeat looks for peers, and may graft it once the 3 s end
        await("the node grafted the raw peer again", () -> raw.grafts(TOPIC) == 2);
        long secondGraft = 0;
        for (int i = 0; i < raw.received.size(); i++) {
            if (raw.received.get(i).getControl().getGraftCount() > 0) {
                secondGraft = raw.receivedAtNanos.get(i); // the last GRAFT's arrival
            }
        }
        assertTrue(secondGraft - prunedAt >= Duration.ofSeconds(3).toNanos(),
                "grafted again " + (secondGraft - prunedAt) / 1_000_000 + " ms after a PRUNE asking for 3 s");
        assertTrue(node.pubsub().meshPeers(TOPIC).contains(raw.host.peerId()));
    }

    @Test
    void aGraftDuringTheBackoffIsAnsweredWithAPruneAndLeavesTheMeshAlone() throws Exception {
        Node node = net.node(PubsubTestNetwork.config());
        RawPubsubPeer raw = grafted(node);
        raw.send(RawPubsubPeer.control(prune(60)));
        await("pruned", () -> !node.pubsub().meshPeers(TOPIC).contains(raw.host.peerId()));

        raw.send(RawPubsubPeer.control(RpcProto.ControlMessage.newBuilder()
                .addGraft(RpcProto.ControlGraft.newBuilder().setTopicID(TOPIC))));
        await("the node refused the GRAFT with a PRUNE", () -> raw.prunes(TOPIC) == 1);
        RpcProto.ControlPrune refusal = raw.received.stream().flatMap(r -> r.getControl().getPruneList().stream())
                .findFirst().orElseThrow();
        assertEquals(60, refusal.getBackoff(), "go's PruneBackoff, one minute");
        assertFalse(node.pubsub().meshPeers(TOPIC).contains(raw.host.peerId()));

        // a GRAFT for a topic the node does not subscribe is ignored: no PRUNE that would leak anything
        raw.send(RawPubsubPeer.control(RpcProto.ControlMessage.newBuilder()
                .addGraft(RpcProto.ControlGraft.newBuilder().setTopicID("elsewhere"))));
        raw.send(RawPubsubPeer.control(RpcProto.ControlMessage.newBuilder()
                .addGraft(RpcProto.ControlGraft.newBuilder().setTopicID(TOPIC))));
        await("the second refusal", () -> raw.prunes(TOPIC) == 2);
        assertEquals(0, raw.prunes("elsewhere"));
        assertEquals(1, raw.grafts(TOPIC), "never grafted again while backed off");
    }

    @Test
    void aPruneOfferingPeersDialsThoseWithAValidSignedRecordWhenTheMeshIsShort() throws Exception {
        Node node = net.node(PubsubTestNetwork.config());
        RawPubsubPeer raw = grafted(node);
        Node offered = net.node(PubsubTestNetwork.config());
        Node forged = net.node(PubsubTestNetwork.config());
        byte[] forgedRecord = forged.host().signedPeerRecord(forged.host().listenAddresses());
        forgedRecord[forgedRecord.length - 1] ^= 1; // its signature no longer holds
        raw.send(RawPubsubPeer.control(RpcProto.ControlMessage.newBuilder().addPrune(
                RpcProto.ControlPrune.newBuilder().setTopicID(TOPIC).setBackoff(60)
                        .addPeers(RpcProto.PeerInfo.newBuilder()
                                .setPeerID(ByteString.copyFrom(forged.host().peerId().toBytes()))
                                .setSignedPeerRecord(ByteString.copyFrom(forgedRecord)))
                        .addPeers(RpcProto.PeerInfo.newBuilder()
                                .setPeerID(ByteString.copyFrom(offered.host().peerId().toBytes()))
                                .setSignedPeerRecord(ByteString.copyFrom(
                                        offered.host().signedPeerRecord(offered.host().listenAddresses())))))));
        await("the node dialled the offered peer and speaks meshsub with it",
                () -> node.pubsub().peers().contains(offered.host().peerId()));
        assertFalse(node.host().connectedPeers().contains(forged.host().peerId()), "a forged record is not dialled");
    }

    @Test
    void leavingATopicSaysSoToEveryPeerAndPrunesTheMeshWithTheUnsubscribeBackoff() throws Exception {
        Node node = net.node(PubsubTestNetwork.config());
        Subscription[] subscription = new Subscription[1];
        RawPubsubPeer raw = grafted(node, topic -> subscription[0] = node.join(topic));
        subscription[0].close();
        await("a PRUNE for the topic we left", () -> raw.prunes(TOPIC) == 1);
        RpcProto.ControlPrune prune = raw.received.stream().flatMap(r -> r.getControl().getPruneList().stream())
                .findFirst().orElseThrow();
        assertEquals(10, prune.getBackoff(), "go's UnsubscribeBackoff, 10 s");
        assertTrue(raw.received.stream().flatMap(r -> r.getSubscriptionsList().stream())
                .anyMatch(sub -> sub.getTopicid().equals(TOPIC) && !sub.getSubscribe()), "an unsubscribe announced");
        assertTrue(node.pubsub().meshPeers(TOPIC).isEmpty());

        raw.send(RawPubsubPeer.publish(raw.signer.sign(TOPIC, "after leaving".getBytes(StandardCharsets.UTF_8))));
        raw.send(RawPubsubPeer.subscribe("sync")); // handled in order: once seen, the message was too
        await("the node read both", () -> node.pubsub().topicPeers("sync").contains(raw.host.peerId()));
        assertEquals(0, node.receivedData("after leaving"), "a topic we left delivers nothing");
    }
}
