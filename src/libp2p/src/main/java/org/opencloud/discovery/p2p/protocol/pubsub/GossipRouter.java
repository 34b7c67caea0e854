package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The state of gossipsub and what changes it: peers and their topics, our subscriptions, the meshes and
 * fanouts, backoffs, the seen and message caches. Every method runs on the router's one thread, so none locks;
 * received messages are {@link GossipDelivery}'s, control messages {@link GossipControl}'s, the heartbeat
 * {@link GossipHeartbeat}'s.
 */
final class GossipRouter {
    private static final Logger LOG = LoggerFactory.getLogger(GossipRouter.class);
    static final int INVALID_MESSAGE_PENALTY = 10;
    static final int REFUSED_RPC_PENALTY = 100;

    final Host host;
    final GossipConfig config;
    final GossipStats stats;
    final StrictSign signer;
    final Map<PeerId, GossipPeer> peers = new HashMap<>();
    final Map<String, Set<GossipPeer>> topics = new HashMap<>();
    final Map<String, List<Consumer<PubsubMessage>>> subscriptions = new HashMap<>();
    final Map<String, Set<GossipPeer>> mesh = new HashMap<>();
    final Map<String, Set<GossipPeer>> fanout = new HashMap<>();
    final Map<String, Long> lastPublished = new HashMap<>();
    final Backoffs backoffs = new Backoffs();
    final MessageCache cache;
    final SeenCache seen;
    private final Map<PeerId, Long> graylistedUntil = new HashMap<>();
    private final Consumer<GossipPeer> opener;
    final GossipControl control;
    private final GossipDelivery delivery;

    GossipRouter(Host host, GossipConfig config, GossipStats stats, Consumer<GossipPeer> opener) {
        this.host = host;
        this.config = config;
        this.stats = stats;
        this.signer = new StrictSign(host);
        this.cache = new MessageCache(config.historyLength(), config.historyGossip(), config.gossipRetransmission());
        this.seen = new SeenCache(config.seenTtl().toNanos(), config.maxSeen());
        this.opener = opener;
        this.control = new GossipControl(this);
        this.delivery = new GossipDelivery(this);
    }

    // ---- peers

    /** A peer that speaks meshsub (identify said so, or it opened a stream): we open ours and say what we subscribe. */
    GossipPeer addPeer(PeerId id) {
        GossipPeer known = peers.get(id);
        if (known != null || isGraylisted(id)) {
            return known;
        }
        GossipPeer p = new GossipPeer(id, config, System.nanoTime());
        peers.put(id, p);
        p.send(hello());
        p.opening();
        opener.accept(p);
        return p;
    }

    void opened(GossipPeer p, Stream stream) {
        if (peers.get(p.id) != p) {
            stream.reset();
            return;
        }
        p.opened(stream);
    }

    /** Our stream to {@code p} ended or could not open: opened again while connected (3 times), else forgotten. */
    void lost(GossipPeer p, Stream stream) {
        if (peers.get(p.id) != p) {
            return;
        }
        if (p.lost(stream) <= 3 && host.connectedPeers().contains(p.id)) {
            p.send(hello());
            p.opening();
            opener.accept(p);
        } else {
            removePeer(p.id);
        }
    }

    /** The peer's stream to us; an older one is reset (one per peer, as go keeps). False when refused. */
    boolean inbound(PeerId id, Stream stream) {
        GossipPeer p = addPeer(id);
        if (p == null) {
            return false;
        }
        if (p.inbound != null && p.inbound != stream) {
            p.inbound.reset();
        }
        p.inbound = stream;
        return true;
    }

    void removePeer(PeerId id) {
        GossipPeer p = peers.remove(id);
        if (p == null) {
            return;
        }
        for (String t : p.topics) {
            forget(topics, t, p);
        }
        mesh.values().forEach(s -> s.remove(p));
        fanout.values().forEach(s -> s.remove(p));
        p.close();
    }

    private static void forget(Map<String, Set<GossipPeer>> map, String topic, GossipPeer p) {
        Set<GossipPeer> set = map.get(topic);
        if (set != null && set.remove(p) && set.isEmpty()) {
            map.remove(topic);
        }
    }

    boolean isGraylisted(PeerId id) {
        Long until = graylistedUntil.get(id);
        return until != null && System.nanoTime() - until < 0;
    }

    /** Adds penalty points; a peer past the threshold is graylisted: forgotten, disconnected and refused a while. */
    void penalize(GossipPeer p, int points, String reason) {
        if (!p.budget.penalize(points, System.nanoTime())) {
            return;
        }
        stats.graylisted.incrementAndGet();
        graylistedUntil.put(p.id, System.nanoTime() + config.graylistDuration().toNanos());
        LOG.warn("pubsub peer {} graylisted for {} s: {} penalty points within {} s (the last: {})", p.id,
                config.graylistDuration().toSeconds(), config.penaltyThreshold(), config.penaltyWindow().toSeconds(), reason);
        removePeer(p.id);
        host.disconnectAndRefuse(p.id, config.graylistDuration());
    }

    void expireGraylist(long now) {
        graylistedUntil.values().removeIf(until -> now - until >= 0);
    }

    /** A frame refused before it was read as an RPC (oversized, malformed); its stream is already reset. */
    void refusedRpc(PeerId id, String reason) {
        stats.refusedRpcs.incrementAndGet();
        LOG.debug("pubsub RPC from {} refused: {}", id, reason);
        GossipPeer p = peers.get(id);
        if (p != null) {
            penalize(p, REFUSED_RPC_PENALTY, reason);
        }
    }

    // ---- RPCs

    void handle(PeerId from, RpcProto.RPC rpc) {
        GossipPeer p = peers.get(from);
        if (p == null) {
            return; // graylisted, or gone since the frame was read
        }
        for (RpcProto.RPC.SubOpts sub : rpc.getSubscriptionsList()) {
            subscription(p, sub);
        }
        for (RpcProto.Message m : rpc.getPublishList()) {
            if (peers.get(from) != p) {
                return; // graylisted by an earlier message of this RPC
            }
            delivery.receive(p, m);
        }
        if (rpc.hasControl() && peers.get(from) == p) {
            control.handle(p, rpc.getControl());
        }
    }

    private void subscription(GossipPeer p, RpcProto.RPC.SubOpts sub) {
        String topic = sub.getTopicid();
        if (sub.getSubscribe()) {
            if (p.topics.size() < config.maxTopicsPerPeer() && p.topics.add(topic)) {
                topics.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(p);
            }
        } else if (p.topics.remove(topic)) {
            forget(topics, topic, p);
            Set<GossipPeer> m = mesh.get(topic);
            if (m != null) {
                m.remove(p);
            }
            Set<GossipPeer> f = fanout.get(topic);
            if (f != null) {
                f.remove(p);
            }
        }
    }

    boolean send(GossipPeer p, RpcProto.RPC rpc) {
        if (p.send(rpc)) {
            return true;
        }
        stats.droppedSends.incrementAndGet();
        return false;
    }

    private RpcProto.RPC hello() {
        RpcProto.RPC.Builder rpc = RpcProto.RPC.newBuilder();
        for (String t : subscriptions.keySet()) {
            rpc.addSubscriptions(RpcProto.RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid(t));
        }
        return rpc.build();
    }

    // ---- the API's operations

    /** Signs and sends our message; returns how many peers it went to. */
    int publish(RpcProto.Message m) {
        PubsubMessage msg = new PubsubMessage(m.getTopic(), m.getData().toByteArray(), host.peerId(),
                m.getSeqno().toByteArray(), host.peerId());
        ByteString id = ByteString.copyFrom(config.messageId().id(msg));
        seen.add(id, System.nanoTime());
        cache.put(id, m);
        stats.published.incrementAndGet();
        String topic = m.getTopic();
        Set<GossipPeer> targets;
        if (config.floodPublish()) {
            targets = topics.getOrDefault(topic, Set.of());
        } else if (mesh.containsKey(topic)) {
            targets = mesh.get(topic);
        } else {
            targets = fanout.computeIfAbsent(topic, t -> new LinkedHashSet<>(GossipHeartbeat.pick(
                    candidates(t, Set.of()), config.d())));
            lastPublished.put(topic, System.nanoTime());
        }
        return delivery.forward(m, targets, host.peerId(), host.peerId());
    }

    void subscribe(String topic, Consumer<PubsubMessage> handler) {
        List<Consumer<PubsubMessage>> handlers = subscriptions.get(topic);
        if (handlers != null) {
            handlers.add(handler);
            return;
        }
        subscriptions.put(topic, new CopyOnWriteArrayList<>(List.of(handler)));
        announce(topic, true);
        Set<GossipPeer> members = new LinkedHashSet<>();
        Set<GossipPeer> fan = fanout.remove(topic);
        lastPublished.remove(topic);
        if (fan != null) {
            members.addAll(fan);
        }
        members.addAll(GossipHeartbeat.pick(candidates(topic, members), config.d() - members.size()));
        mesh.put(topic, members);
        for (GossipPeer p : members) {
            send(p, GossipControl.graft(topic));
        }
    }

    void unsubscribe(String topic, Consumer<PubsubMessage> handler) {
        List<Consumer<PubsubMessage>> handlers = subscriptions.get(topic);
        if (handlers == null || !handlers.remove(handler) || !handlers.isEmpty()) {
            return;
        }
        subscriptions.remove(topic);
        announce(topic, false);
        for (GossipPeer p : mesh.remove(topic)) {
            backoffs.add(topic, p.id, config.unsubscribeBackoff());
            send(p, control.prune(p, topic, config.unsubscribeBackoff()));
        }
    }

    private void announce(String topic, boolean subscribe) {
        RpcProto.RPC rpc = RpcProto.RPC.newBuilder().addSubscriptions(
                RpcProto.RPC.SubOpts.newBuilder().setSubscribe(subscribe).setTopicid(topic)).build();
        peers.values().forEach(p -> send(p, rpc));
    }

    /** Peers of {@code topic} that could join a mesh or fanout: not in {@code except}, not backed off. */
    List<GossipPeer> candidates(String topic, Set<GossipPeer> except) {
        List<GossipPeer> out = new ArrayList<>();
        for (GossipPeer p : topics.getOrDefault(topic, Set.of())) {
            if (!except.contains(p) && !backoffs.active(topic, p.id)) {
                out.add(p);
            }
        }
        return out;
    }

    Set<PeerId> ids(Set<GossipPeer> set) {
        Set<PeerId> out = new HashSet<>();
        if (set != null) {
            set.forEach(p -> out.add(p.id));
        }
        return out;
    }
}
