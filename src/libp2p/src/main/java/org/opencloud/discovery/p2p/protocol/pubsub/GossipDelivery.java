package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A received message's way: the sender's budget first (over it, the message is dropped and costs a point), then
 * a topic we subscribe, StrictSign's fields, the seen cache (a duplicate stops there, before any signature is
 * checked), the signature; a valid message is remembered, handed to our subscribers and relayed to the mesh.
 * Router thread only.
 */
final class GossipDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(GossipDelivery.class);

    private final GossipRouter router;

    GossipDelivery(GossipRouter router) {
        this.router = router;
    }

    void receive(GossipPeer p, RpcProto.Message m) {
        long now = System.nanoTime();
        if (!p.budget.take(m.getSerializedSize(), now)) {
            router.stats.throttled.incrementAndGet();
            router.penalize(p, 1, "over its message rate");
            return;
        }
        String topic = m.getTopic();
        if (!router.subscriptions.containsKey(topic)) {
            return; // not ours to relay (go drops them too)
        }
        PubsubMessage msg;
        ByteString id;
        try {
            PeerId author = StrictSign.author(m);
            msg = new PubsubMessage(topic, m.getData().toByteArray(), author, m.getSeqno().toByteArray(), p.id);
            id = ByteString.copyFrom(router.config.messageId().id(msg));
            if (router.seen.contains(id)) {
                router.stats.duplicates.incrementAndGet();
                return;
            }
            StrictSign.verify(m, author);
        } catch (Libp2pException e) {
            router.stats.invalid.incrementAndGet();
            LOG.debug("pubsub message from {} refused: {}", p.id, e.getMessage());
            router.penalize(p, GossipRouter.INVALID_MESSAGE_PENALTY, "invalid message: " + e.getMessage());
            return;
        }
        router.seen.add(id, now);
        router.cache.put(id, m);
        router.stats.delivered.incrementAndGet();
        deliver(msg);
        forward(m, router.mesh.get(topic), p.id, msg.from());
    }

    private void deliver(PubsubMessage msg) {
        for (Consumer<PubsubMessage> handler : router.subscriptions.getOrDefault(msg.topic(), List.of())) {
            try {
                handler.accept(msg);
            } catch (RuntimeException e) {
                LOG.warn("a subscriber of {} failed on a message of {}", msg.topic(), msg.from(), e);
            }
        }
    }

    /** Sends {@code m} to {@code targets} but its author and the peer it came from; returns how many took it. */
    int forward(RpcProto.Message m, Set<GossipPeer> targets, PeerId source, PeerId author) {
        if (targets == null) {
            return 0;
        }
        RpcProto.RPC rpc = RpcProto.RPC.newBuilder().addPublish(m).build();
        int sent = 0;
        for (GossipPeer t : targets) {
            if (!t.id.equals(source) && !t.id.equals(author)) {
                sent += router.send(t, rpc) ? 1 : 0;
            }
        }
        return sent;
    }
}
