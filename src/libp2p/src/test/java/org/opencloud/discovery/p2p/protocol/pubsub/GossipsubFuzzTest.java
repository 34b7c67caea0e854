package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.fuzz.FuzzInputs;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A gossipsub RPC frame (what a peer's stream carries once the varint frame reader bounded it) of any bytes:
 * parsed, and each published message's author and StrictSign signature checked as a receiving router does; a
 * message or an {@link InvalidProtocolBufferException} or {@link Libp2pException}, nothing else, within a bound
 * linear in the frame. Seeds are what our router writes: subscriptions, signed messages and every control message.
 */
class GossipsubFuzzTest {
    private static final DecoderFuzz RPC = DecoderFuzz.of("gossipsub RPC", 512 * 1024, 64,
            InvalidProtocolBufferException.class, Libp2pException.class);
    private static Host host;
    private static StrictSign signer;

    @BeforeContainer
    static void identity() {
        host = new Host(HostConfig.withIdentity(PrivateKey.generate()));
        signer = new StrictSign(host);
    }

    @AfterContainer
    static void summary() {
        System.out.println(RPC.summary());
    }

    @Provide
    Arbitrary<byte[]> rpcs() {
        RpcProto.Message signed = signer.sign("search", "a search event".getBytes(StandardCharsets.UTF_8));
        byte[] publish = RpcProto.RPC.newBuilder().addPublish(signed)
                .addSubscriptions(RpcProto.RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid("search")).build()
                .toByteArray();
        byte[] control = RpcProto.RPC.newBuilder().setControl(RpcProto.ControlMessage.newBuilder()
                .addIhave(RpcProto.ControlIHave.newBuilder().setTopicID("search")
                        .addMessageIDs(ByteString.copyFromUtf8("id-1")))
                .addIwant(RpcProto.ControlIWant.newBuilder().addMessageIDs(ByteString.copyFromUtf8("id-2")))
                .addGraft(RpcProto.ControlGraft.newBuilder().setTopicID("search"))
                .addPrune(RpcProto.ControlPrune.newBuilder().setTopicID("search").setBackoff(60)
                        .addPeers(RpcProto.PeerInfo.newBuilder().setPeerID(ByteString.copyFrom(host.peerId().toBytes())))))
                .build().toByteArray();
        return FuzzInputs.mutationsOf(List.of(publish, control), 64 * 1024);
    }

    @Property
    void anRpcIsReadAndItsMessagesCheckedOrRefused(@ForAll("rpcs") byte[] input) {
        RPC.check(input, bytes -> {
            RpcProto.RPC rpc = RpcProto.RPC.parseFrom(bytes);
            for (RpcProto.Message m : rpc.getPublishList()) {
                StrictSign.verify(m, StrictSign.author(m));
            }
        });
    }

    @Property
    void ourSignedMessageReadsBackAndAnyChangeBreaksItsSignature(@ForAll byte[] data, @ForAll int flip) {
        RpcProto.Message signed = signer.sign("search", data);
        RpcProto.Message read = parse(signed.toByteArray());
        PeerId author = StrictSign.author(read);
        StrictSign.verify(read, author);
        assertEquals(host.peerId(), author);
        assertArrayEquals(data, read.getData().toByteArray());

        byte[] changed = data.length == 0 ? new byte[] {1} : data.clone();
        if (data.length > 0) {
            changed[Math.floorMod(flip, changed.length)] ^= 1;
        }
        RpcProto.Message tampered = read.toBuilder().setData(ByteString.copyFrom(changed)).build();
        assertThrows(Libp2pException.class, () -> StrictSign.verify(tampered, author));
    }

    private static RpcProto.Message parse(byte[] bytes) {
        try {
            return RpcProto.Message.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
