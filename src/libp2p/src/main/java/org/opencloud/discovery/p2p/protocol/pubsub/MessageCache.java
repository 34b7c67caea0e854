package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of the last {@code length} heartbeat windows, answered on IWANT; the ids of the last
 * {@code gossip} windows are what IHAVE announces. Each message is given to one peer at most
 * {@code retransmissions} times (go's GossipRetransmission), so a peer cannot make us resend it forever.
 * Used on the router's thread only.
 */
final class MessageCache {
    private record Entry(RpcProto.Message message, Map<PeerId, Integer> sent) {
    }

    private record Window(List<ByteString> ids, List<String> topics) {
    }

    private final int gossip;
    private final int retransmissions;
    private final Map<ByteString, Entry> messages = new HashMap<>();
    private final ArrayDeque<Window> windows = new ArrayDeque<>();

    MessageCache(int length, int gossip, int retransmissions) {
        this.gossip = gossip;
        this.retransmissions = retransmissions;
        for (int i = 0; i < length; i++) {
            windows.addLast(new Window(new ArrayList<>(), new ArrayList<>()));
        }
    }

    void put(ByteString id, RpcProto.Message message) {
        if (messages.putIfAbsent(id, new Entry(message, new HashMap<>())) == null) {
            windows.peekFirst().ids().add(id);
            windows.peekFirst().topics().add(message.getTopic());
        }
    }

    /** The message for {@code peer}'s IWANT, or null when unknown or already sent to it often enough. */
    RpcProto.Message getFor(ByteString id, PeerId peer) {
        Entry e = messages.get(id);
        if (e == null || e.sent().merge(peer, 1, Integer::sum) > retransmissions) {
            return null;
        }
        return e.message();
    }

    /** Ids of {@code topic} in the gossiped windows, newest first. */
    List<ByteString> gossipIds(String topic) {
        List<ByteString> out = new ArrayList<>();
        int n = 0;
        for (Window w : windows) {
            if (n++ == gossip) {
                break;
            }
            for (int i = 0; i < w.ids().size(); i++) {
                if (w.topics().get(i).equals(topic)) {
                    out.add(w.ids().get(i));
                }
            }
        }
        return out;
    }

    /** Starts a new window and forgets the oldest; called each heartbeat. */
    void shift() {
        Window oldest = windows.pollLast();
        for (ByteString id : oldest.ids()) {
            messages.remove(id);
        }
        windows.addFirst(new Window(new ArrayList<>(), new ArrayList<>()));
    }

    int size() {
        return messages.size();
    }
}
