package org.opencloud.discovery.p2p.protocol.kad;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto.Message;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The message codec: framing, go's proto3 default type, and how closer peers are read. */
class KadMessagesTest {
    private static final Multiaddr HERE = Multiaddr.of("/ip4/127.0.0.1/tcp/4001");

    @Test
    void aFrameIsItsLengthThenTheMessageAndAMissingTypeIsPutValue() throws Exception {
        Message find = KadMessages.findNode(PrivateKey.generate().peerId());
        ByteBuf frame = KadMessages.frame(find);
        try {
            assertEquals(find.getSerializedSize(), Varint.read(frame));
            byte[] body = new byte[frame.readableBytes()];
            frame.readBytes(body);
            assertEquals(find, Message.parseFrom(body));
        } finally {
            frame.release();
        }
        assertEquals(Message.MessageType.PUT_VALUE, Message.parseFrom(new byte[0]).getType());
    }

    @Test
    void closerPeersAreCutSkippedWhenUnreadableAndKeepTheAddressesWeRead() {
        PeerId good = PrivateKey.generate().peerId();
        Message.Builder m = Message.newBuilder()
                .addCloserPeers(Message.Peer.newBuilder().setId(ByteString.copyFromUtf8("not a multihash")))
                .addCloserPeers(KadMessages.peer(good, List.of(HERE)).toBuilder()
                        .addAddrs(ByteString.copyFrom(new byte[] {(byte) 0xEE, 1, 2})));
        for (int i = 0; i < 30; i++) {
            m.addCloserPeers(KadMessages.peer(PrivateKey.generate().peerId(), List.of(HERE, HERE, HERE)));
        }
        List<KadPeer> read = KadMessages.closerPeers(m.build(), KadConfig.K, 2);
        assertEquals(KadConfig.K, read.size());
        assertEquals(new KadPeer(good, List.of(HERE)), read.get(0));
        assertEquals(2, read.get(1).addresses().size());
    }
}
