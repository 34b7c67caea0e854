package org.opencloud.discovery.p2p.protocol.kad;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto.Message;

import java.util.ArrayList;
import java.util.List;

/** Builds, frames and reads DHT messages. */
final class KadMessages {
    private KadMessages() {
    }

    /** {@code uvarint(length) ‖ message}. */
    static ByteBuf frame(Message message) {
        return Varint.lengthPrefixed(message.toByteArray());
    }

    static Message.Peer peer(PeerId id, List<Multiaddr> addresses) {
        Message.Peer.Builder p = Message.Peer.newBuilder().setId(ByteString.copyFrom(id.toBytes()));
        for (Multiaddr a : addresses) {
            p.addAddrs(ByteString.copyFrom(a.withoutPeerId().toBytes()));
        }
        return p.build();
    }

    static Message findNode(PeerId target) {
        return Message.newBuilder().setType(Message.MessageType.FIND_NODE)
                .setKey(ByteString.copyFrom(target.toBytes())).build();
    }

    static Message getValue(byte[] key) {
        return Message.newBuilder().setType(Message.MessageType.GET_VALUE).setKey(ByteString.copyFrom(key)).build();
    }

    static Message putValue(byte[] key, byte[] value) {
        ByteString k = ByteString.copyFrom(key);
        return Message.newBuilder().setType(Message.MessageType.PUT_VALUE).setKey(k)
                .setRecord(KadProto.Record.newBuilder().setKey(k).setValue(ByteString.copyFrom(value))).build();
    }

    /**
     * The first {@code max} closer peers of {@code message} that are well formed, with their readable
     * addresses (at most {@code maxAddresses} each); the rest are ignored.
     */
    static List<KadPeer> closerPeers(Message message, int max, int maxAddresses) {
        List<KadPeer> out = new ArrayList<>();
        for (Message.Peer p : message.getCloserPeersList()) {
            if (out.size() == max) {
                break;
            }
            try {
                PeerId id = PeerId.fromBytes(p.getId().toByteArray());
                List<Multiaddr> addrs = new ArrayList<>();
                for (ByteString a : p.getAddrsList()) {
                    if (addrs.size() == maxAddresses) {
                        break;
                    }
                    try {
                        addrs.add(Multiaddr.fromBytes(a.toByteArray()));
                    } catch (Libp2pException e) {
                        // an address of a transport we do not speak: skip it, keep the peer
                    }
                }
                out.add(new KadPeer(id, addrs));
            } catch (Libp2pException e) {
                // an unreadable peer id: not a peer we could reach
            }
        }
        return out;
    }
}
