package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.Node;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.await;
import static org.opencloud.discovery.p2p.protocol.pubsub.PubsubTestNetwork.connect;

/**
 * Hostile pubsub peers, hand-driven hosts that write what they like: malformed and oversized RPCs, unsigned and
 * forged messages, a flood. Each is refused, bounded and counted, and the node keeps exchanging with an honest peer.
 */
class GossipsubBadInputTest {
    private static final String TOPIC = "search";
    private final PubsubTestNetwork net = new PubsubTestNetwork();
    private final AtomicInteger round = new AtomicInteger();

    @AfterEach
    void stop() {
        net.close();
    }

    /** The node under attack and an honest peer in its mesh. */
    private Node[] nodeWithWitness(GossipConfig config) throws Exception {
        Node node = net.node(config);
        Node witness = net.node(PubsubTestNetwork.config());
        node.join(TOPIC);
        witness.join(TOPIC);
        connect(witness.host(), node.host());
        await("the witness in the node's mesh", () -> node.pubsub().meshPeers(TOPIC).contains(witness.host().peerId()));
        return new Node[] {node, witness};
    }

    /** The node and its honest peer still exchange messages both ways. */
    private void stillServes(Node node, Node witness) throws Exception {
        String text = "still serving " + round.incrementAndGet();
        witness.pubsub().publish(TOPIC, text.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        await("the node received the witness's " + text, () -> node.receivedData(text) == 1);
        node.pubsub().publish(TOPIC, ("re: " + text).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        await("the witness received the node's answer", () -> witness.receivedData("re: " + text) == 1);
    }

    private static byte[] framed(byte[] body) {
        return ByteBufUtil.getBytes(Varint.lengthPrefixed(body));
    }

    private static RpcProto.Message.Builder signed(RawPubsubPeer raw, String data) {
        return raw.signer.sign(TOPIC, data.getBytes(StandardCharsets.UTF_8)).toBuilder();
    }

    @Test
    void malformedAndOversizedRpcsResetTheStreamAndAreCounted() throws Exception {
        Node[] pair = nodeWithWitness(PubsubTestNetwork.config());
        Node node = pair[0];
        RawPubsubPeer raw = new RawPubsubPeer(net.host());
        byte[][] bad = {
                framed(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}),                         // not a protobuf
                ByteBufUtil.getBytes(Unpooled.buffer().writeBytes(Varint.encode(100L << 20)).writeZero(64)), // 100 MiB announced
                framed(RawPubsubPeer.publish(signed(raw, "x".repeat(1 << 20)).build()).toByteArray()), // a valid 1 MiB+ RPC
                {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                        (byte) 0x80, (byte) 0x80}};                                                  // a prefix that never ends
        for (int i = 0; i < bad.length; i++) {
            raw.connect(node.host());
            raw.writeRaw(bad[i]);
            assertTrue(raw.stream().closeFuture().await(10, TimeUnit.SECONDS), "the node reset our stream");
            int refused = i + 1;
            await("refused RPC " + refused, () -> node.pubsub().stats().refusedRpcs() == refused);
            stillServes(node, pair[1]);
        }
        assertEquals(0, node.pubsub().stats().graylisted(), "400 points, below the threshold of 1000");
        ExecutionException tooLarge = assertThrows(ExecutionException.class, () -> node.pubsub()
                .publish(TOPIC, new byte[1 << 20]).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, tooLarge.getCause());
    }

    @Test
    void unsignedForgedAndMisattributedMessagesAreRefusedAndSignedOnesWithOrWithoutKeyAccepted() throws Exception {
        Node[] pair = nodeWithWitness(PubsubTestNetwork.config());
        Node node = pair[0];
        RawPubsubPeer raw = new RawPubsubPeer(net.host()).connect(node.host());
        raw.send(RawPubsubPeer.subscribe(TOPIC));
        Host other = new Host(HostConfig.withIdentity(PrivateKey.generate()).listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")));
        RpcProto.Message[] refused = {
                signed(raw, "unsigned").clearSignature().build(),
                signed(raw, "forged").setData(ByteString.copyFromUtf8("tampered")).build(),
                signed(raw, "short seqno").setSeqno(ByteString.copyFrom(new byte[4])).build(),
                signed(raw, "another author").setFrom(ByteString.copyFrom(other.peerId().toBytes()))
                        .setKey(ByteString.copyFrom(raw.host.publicKey().toProtobuf())).build(),
                signed(raw, "another key").setKey(ByteString.copyFrom(other.publicKey().toProtobuf())).build(),
                signed(raw, "no author").clearFrom().build()};
        for (int i = 0; i < refused.length; i++) {
            raw.send(RawPubsubPeer.publish(refused[i]));
            int invalid = i + 1;
            await("invalid message " + invalid, () -> node.pubsub().stats().invalid() == invalid);
        }
        raw.send(RawPubsubPeer.publish(signed(raw, "signed, no key").build()));
        raw.send(RawPubsubPeer.publish(signed(raw, "signed, with key as js sends it")
                .setKey(ByteString.copyFrom(raw.host.publicKey().toProtobuf())).build()));
        await("both valid ones delivered", () -> node.receivedData("signed, no key") == 1
                && node.receivedData("signed, with key as js sends it") == 1);
        stillServes(node, pair[1]);
        assertEquals(refused.length, node.pubsub().stats().invalid());
        assertTrue(node.received().stream().noneMatch(m -> m.from().equals(other.peerId())));
        assertTrue(node.host().connectedPeers().contains(raw.host.peerId()), "60 points: not graylisted");
    }

    @Test
    void aPeerFloodingTheTopicIsThrottledThenDroppedWhileAnHonestPeerKeepsExchanging() throws Exception {
        Duration graylist = Duration.ofMinutes(1);
        Node[] pair = nodeWithWitness(PubsubTestNetwork.config().peerLimits(200, 16L << 20, 300, Duration.ofSeconds(10), graylist));
        Node node = pair[0];
        RawPubsubPeer raw = new RawPubsubPeer(net.host()).connect(node.host());
        raw.send(RawPubsubPeer.subscribe(TOPIC));
        int sent = 0;
        for (int rpc = 0; rpc < 100; rpc++) {
            RpcProto.RPC.Builder batch = RpcProto.RPC.newBuilder();
            for (int i = 0; i < 50; i++) {
                batch.addPublish(signed(raw, "flood " + sent++));
            }
            raw.send(batch.build());
        }
        await("the flooder graylisted", () -> node.pubsub().stats().graylisted() == 1);
        await("and disconnected", () -> !node.host().connectedPeers().contains(raw.host.peerId()));
        long fromFlooder = node.received().stream().filter(m -> m.from().equals(raw.host.peerId())).count();
        System.out.printf("gossipsub flood: %d of %d messages delivered, %d throttled, then graylisted%n",
                fromFlooder, sent, node.pubsub().stats().throttled());
        assertTrue(node.pubsub().stats().throttled() >= 300, node.pubsub().stats().toString());
        assertTrue(fromFlooder < sent / 2, "most of the flood was dropped: " + fromFlooder);
        long refusedBefore = node.host().refusedPeers();
        assertThrows(ExecutionException.class, () -> raw.connect(node.host()), "no meshsub stream while graylisted");
        await("its new connection refused by the node", () -> node.host().refusedPeers() > refusedBefore);
        stillServes(node, pair[1]);
    }
}
