package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.Node;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.await;
import static org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.connect;

/** Gossip: a subscriber outside the mesh hears of messages by IHAVE and gets them by IWANT, within the cache's bounds. */
class GossipsubGossipTest {
    private static final String TOPIC = "search";
    private final PubsubTestNetwork net = new PubsubTestNetwork();

    @AfterEach
    void stop() {
        net.close();
    }

    private static long publishes(RawPubsubPeer raw, String data) {
        return raw.received.stream().flatMap(r -> r.getPublishList().stream())
                .filter(m -> m.getData().toStringUtf8().equals(data)).count();
    }

    private static RpcProto.RPC iwant(ByteString id) {
        return RawPubsubPeer.control(RpcProto.ControlMessage.newBuilder()
                .addIwant(RpcProto.ControlIWant.newBuilder().addMessageIDs(id)));
    }

    @Test
    void aPeerOutsideTheMeshGetsIHaveAndItsIWantIsAnsweredAtMostThreeTimesWhileTheCacheHoldsTheMessage() throws Exception {
        Node node = net.node(PubsubTestNetwork.config());
        Node publisher = net.node(PubsubTestNetwork.config());
        node.join(TOPIC);
        publisher.join(TOPIC);
        connect(publisher.host(), node.host());
        await("the publisher in the node's mesh", () -> node.pubsub().meshPeers(TOPIC).contains(publisher.host().peerId()));

        RawPubsubPeer raw = new RawPubsubPeer(net.host()).connect(node.host());
        raw.send(RawPubsubPeer.subscribe(TOPIC));
        await("the node grafted the raw peer", () -> raw.grafts(TOPIC) == 1);
        raw.send(RawPubsubPeer.control(RpcProto.ControlMessage.newBuilder().addPrune(
                RpcProto.ControlPrune.newBuilder().setTopicID(TOPIC).setBackoff(60)))); // out of the mesh, still subscribed
        await("the raw peer out of the mesh", () -> !node.pubsub().meshPeers(TOPIC).contains(raw.host.peerId()));

        publisher.pubsub().publish(TOPIC, "gossiped".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        await("the node received it", () -> node.receivedData("gossiped") == 1);
        ByteString id = ByteString.copyFrom(MessageIdFunction.FROM_AND_SEQNO.id(node.received().get(0)));
        await("an IHAVE naming it", () -> raw.received.stream().flatMap(r -> r.getControl().getIhaveList().stream())
                .anyMatch(h -> h.getTopicID().equals(TOPIC) && h.getMessageIDsList().contains(id)));
        assertEquals(0, publishes(raw, "gossiped"), "not pushed: the raw peer is not in the mesh");

        for (int i = 1; i <= 4; i++) {
            raw.send(iwant(id));
        }
        await("three answers", () -> publishes(raw, "gossiped") == 3);
        RpcProto.Message answered = raw.received.stream().flatMap(r -> r.getPublishList().stream())
                .filter(m -> m.getData().toStringUtf8().equals("gossiped")).findFirst().orElseThrow();
        StrictSign.verify(answered, publisher.host().peerId()); // the author's signature, as published
        raw.send(iwant(ByteString.copyFromUtf8("no such message")));
        raw.send(RawPubsubPeer.subscribe("sync")); // the node handles a peer's RPCs in order: after this, all were
        await("the node read everything sent", () -> node.pubsub().topicPeers("sync").contains(raw.host.peerId()));
        node.pubsub().publish(TOPIC, "after".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        await("the node's next message, behind any answer on the same stream", () -> publishes(raw, "after") == 1);
        assertEquals(3, publishes(raw, "gossiped"), "go's GossipRetransmission: a message at most 3 times per peer");
        assertEquals(4, raw.received.stream().mapToLong(RpcProto.RPC::getPublishCount).sum(), "nothing for the unknown id");
    }
}
