package org.opencloud.discovery.p2p.protocol.identify;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.fuzz.FuzzInputs;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.protocol.identify.pb.IdentifyProto;
import org.opencloud.discovery.p2p.record.RoutingRecord;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An identify answer (up to ten varint-framed protobufs, merged; listen addresses; a signed peer record) of any
 * bytes: a {@link PeerInfo} or a {@link Libp2pException}; certified addresses only from the peer's own valid
 * record. What our service writes reads back.
 */
class IdentifyFuzzTest {
    private static final PrivateKey KEY = PrivateKey.generate();
    private static final PeerId PEER = KEY.peerId();
    private static final List<Multiaddr> ADDRESSES = List.of(Multiaddr.of("/ip4/127.0.0.1/tcp/4001"),
            Multiaddr.of("/ip6/::1/tcp/4001"));
    private static final DecoderFuzz IDENTIFY = DecoderFuzz.of("identify answer", 512 * 1024, 64,
            Libp2pException.class);

    @AfterContainer
    static void summary() {
        System.out.println(IDENTIFY.summary());
    }

    @Provide
    Arbitrary<byte[]> answers() {
        byte[] full = framed(message(RoutingRecord.of(KEY, ADDRESSES).seal(KEY).toBytes()));
        byte[] minimal = framed(IdentifyProto.Identify.newBuilder().setAgentVersion("js-libp2p").build());
        byte[] split = concat(framed(IdentifyProto.Identify.newBuilder().addProtocols("/ipfs/ping/1.0.0").build()), full);
        return FuzzInputs.mutationsOf(List.of(full, minimal, split), 16 * 1024);
    }

    @Property
    void anAnswerDecodesOrIsRefused(@ForAll("answers") byte[] input) {
        IDENTIFY.check(input, bytes -> {
            PeerInfo info = IdentifyService.decode(bytes, PEER);
            assertTrue(info.certifiedAddresses().size() <= RoutingRecord.MAX_ADDRESSES);
        });
    }

    @Property
    void ourAnswerReadsBack(@ForAll long ignoredSeed) {
        byte[] answer = framed(message(RoutingRecord.of(KEY, ADDRESSES).seal(KEY).toBytes()));
        IDENTIFY.check(answer, bytes -> {
            PeerInfo info = IdentifyService.decode(bytes, PEER);
            assertEquals(ADDRESSES, info.listenAddresses());
            assertEquals(ADDRESSES, info.certifiedAddresses());
            assertEquals(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0"), info.protocols());
        });
    }

    private static IdentifyProto.Identify message(byte[] signedRecord) {
        IdentifyProto.Identify.Builder msg = IdentifyProto.Identify.newBuilder()
                .setProtocolVersion(IdentifyService.PROTOCOL_VERSION).setAgentVersion("oc-discovery")
                .setPublicKey(ByteString.copyFrom(KEY.publicKey().toProtobuf()))
                .setObservedAddr(ByteString.copyFrom(Multiaddr.of("/ip4/127.0.0.1/tcp/5000").toBytes()))
                .addProtocols("/ipfs/id/1.0.0").addProtocols("/ipfs/ping/1.0.0")
                .setSignedPeerRecord(ByteString.copyFrom(signedRecord));
        ADDRESSES.forEach(a -> msg.addListenAddrs(ByteString.copyFrom(a.toBytes())));
        return msg.build();
    }

    private static byte[] framed(IdentifyProto.Identify message) {
        byte[] body = message.toByteArray();
        ByteBuf out = Unpooled.buffer();
        Varint.write(out, body.length);
        out.writeBytes(body);
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
