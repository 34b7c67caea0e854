package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One heartbeat, as go's: each mesh is grafted up to D when below D_lo and pruned to D when above D_hi (peers in
 * backoff are not grafted); fanouts expire after the fanout TTL and are refilled to D; IHAVE gossip of the recent
 * windows goes to D_lazy (or a quarter of the candidates, if more) peers outside each mesh or fanout; the caches
 * shift and expire. Control messages for a peer go out together in one RPC. Router thread only.
 */
final class GossipHeartbeat {
    private final GossipRouter router;
    private final GossipConfig config;
    private final Map<GossipPeer, RpcProto.ControlMessage.Builder> out = new HashMap<>();

    GossipHeartbeat(GossipRouter router) {
        this.router = router;
        this.config = router.config;
    }

    /** Up to {@code n} of {@code candidates}, at random. */
    static List<GossipPeer> pick(List<GossipPeer> candidates, int n) {
        List<GossipPeer> shuffled = new ArrayList<>(candidates);
        Collections.shuffle(shuffled);
        return shuffled.subList(0, Math.max(0, Math.min(n, shuffled.size())));
    }

    void run() {
        long now = System.nanoTime();
        for (GossipPeer p : router.peers.values()) {
            p.ihaves = 0;
            p.asked = 0;
        }
        for (Map.Entry<String, Set<GossipPeer>> e : router.mesh.entrySet()) {
            maintainMesh(e.getKey(), e.getValue());
            gossip(e.getKey(), e.getValue());
        }
        for (Iterator<Map.Entry<String, Set<GossipPeer>>> it = router.fanout.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Set<GossipPeer>> e = it.next();
            String topic = e.getKey();
            if (now - router.lastPublished.getOrDefault(topic, now) > config.fanoutTtl().toNanos()) {
                it.remove();
                router.lastPublished.remove(topic);
                continue;
            }
            Set<GossipPeer> members = router.topics.getOrDefault(topic, Set.of());
            e.getValue().removeIf(p -> !members.contains(p));
            if (e.getValue().size() < config.d()) {
                e.getValue().addAll(pick(router.candidates(topic, e.getValue()), config.d() - e.getValue().size()));
            }
            gossip(topic, e.getValue());
        }
        for (Map.Entry<GossipPeer, RpcProto.ControlMessage.Builder> e : out.entrySet()) {
            router.send(e.getKey(), RpcProto.RPC.newBuilder().setControl(e.getValue()).build());
        }
        out.clear();
        router.cache.shift();
        router.seen.expire(now);
        router.backoffs.expire(now);
        router.expireGraylist(now);
    }

    private RpcProto.ControlMessage.Builder control(GossipPeer p) {
        return out.computeIfAbsent(p, x -> RpcProto.ControlMessage.newBuilder());
    }

    private void maintainMesh(String topic, Set<GossipPeer> members) {
        if (members.size() < config.dLow()) {
            for (GossipPeer p : pick(router.candidates(topic, members), config.d() - members.size())) {
                members.add(p);
                control(p).addGraft(RpcProto.ControlGraft.newBuilder().setTopicID(topic));
            }
        } else if (members.size() > config.dHigh()) {
            List<GossipPeer> all = new ArrayList<>(members);
            Collections.shuffle(all);
            for (GossipPeer p : all.subList(config.d(), all.size())) {
                members.remove(p);
                router.backoffs.add(topic, p.id, config.pruneBackoff());
                control(p).addPrune(GossipControl.pruneOf(p, topic, config.pruneBackoff()));
            }
        }
    }

    private void gossip(String topic, Set<GossipPeer> exclude) {
        List<ByteString> ids = router.cache.gossipIds(topic);
        if (ids.isEmpty()) {
            return;
        }
        List<GossipPeer> candidates = new ArrayList<>();
        for (GossipPeer p : router.topics.getOrDefault(topic, Set.of())) {
            if (!exclude.contains(p)) {
                candidates.add(p);
            }
        }
        int n = Math.max(config.dLazy(), (int) (config.gossipFactor() * candidates.size()));
        if (ids.size() > config.maxIHaveLength()) {
            Collections.shuffle(ids);
            ids = ids.subList(0, config.maxIHaveLength());
        }
        RpcProto.ControlIHave ihave = RpcProto.ControlIHave.newBuilder().setTopicID(topic).addAllMessageIDs(ids).build();
        for (GossipPeer p : pick(candidates, n)) {
            control(p).addIhave(ihave);
        }
    }
}
