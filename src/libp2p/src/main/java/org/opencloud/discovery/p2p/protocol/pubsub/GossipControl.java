package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;
import org.opencloud.discovery.p2p.record.InvalidRecordException;
import org.opencloud.discovery.p2p.record.RoutingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Control messages, as go-libp2p-pubsub handles them: IHAVE (at most {@code maxIHaveMessages} a heartbeat and
 * {@code maxIHaveLength} ids asked), IWANT (answered from the message cache, each message at most
 * {@code gossipRetransmission} times per peer), GRAFT (ignored for a topic we do not subscribe; refused with a
 * PRUNE for a peer in backoff, which costs it a penalty point, and, once the mesh is at D_hi, for a peer that
 * dialled us), PRUNE (the backoff it names honoured, and its peer exchange dialled
 * while our mesh of the topic is short). Router thread only.
 */
final class GossipControl {
    private static final Logger LOG = LoggerFactory.getLogger(GossipControl.class);

    private final GossipRouter router;

    GossipControl(GossipRouter router) {
        this.router = router;
    }

    static RpcProto.RPC graft(String topic) {
        return RpcProto.RPC.newBuilder().setControl(RpcProto.ControlMessage.newBuilder()
                .addGraft(RpcProto.ControlGraft.newBuilder().setTopicID(topic))).build();
    }

    RpcProto.RPC prune(GossipPeer to, String topic, Duration backoff) {
        return RpcProto.RPC.newBuilder().setControl(RpcProto.ControlMessage.newBuilder()
                .addPrune(pruneOf(to, topic, backoff))).build();
    }

    /** A PRUNE; v1.0 peers get no backoff field. We send no peer exchange (go's default, doPX off). */
    static RpcProto.ControlPrune pruneOf(GossipPeer to, String topic, Duration backoff) {
        RpcProto.ControlPrune.Builder prune = RpcProto.ControlPrune.newBuilder().setTopicID(topic);
        if (to.v11()) {
            prune.setBackoff(backoff.toSeconds());
        }
        return prune.build();
    }

    void handle(GossipPeer p, RpcProto.ControlMessage ctl) {
        RpcProto.RPC.Builder answer = RpcProto.RPC.newBuilder();
        RpcProto.ControlMessage.Builder answerCtl = RpcProto.ControlMessage.newBuilder();
        List<ByteString> wanted = iHave(p, ctl.getIhaveList());
        if (!wanted.isEmpty()) {
            answerCtl.addIwant(RpcProto.ControlIWant.newBuilder().addAllMessageIDs(wanted));
        }
        for (RpcProto.ControlIWant want : ctl.getIwantList()) {
            for (ByteString id : want.getMessageIDsList()) {
                RpcProto.Message m = router.cache.getFor(id, p.id);
                if (m != null) {
                    answer.addPublish(m);
                }
            }
        }
        for (RpcProto.ControlGraft graft : ctl.getGraftList()) {
            RpcProto.ControlPrune refusal = graft(p, graft.getTopicID());
            if (refusal != null) {
                answerCtl.addPrune(refusal);
            }
        }
        for (RpcProto.ControlPrune prune : ctl.getPruneList()) {
            prune(p, prune);
        }
        if (answerCtl.getIwantCount() + answerCtl.getPruneCount() > 0) {
            answer.setControl(answerCtl);
        }
        sendSplit(p, answer.build());
    }

    private List<ByteString> iHave(GossipPeer p, List<RpcProto.ControlIHave> ihaves) {
        if (ihaves.isEmpty() || ++p.ihaves > router.config.maxIHaveMessages()
                || p.asked >= router.config.maxIHaveLength()) {
            return List.of();
        }
        Set<ByteString> unseen = new LinkedHashSet<>();
        for (RpcProto.ControlIHave ihave : ihaves) {
            if (router.mesh.containsKey(ihave.getTopicID())) {
                for (ByteString id : ihave.getMessageIDsList()) {
                    if (!router.seen.contains(id)) {
                        unseen.add(id);
                    }
                }
            }
        }
        List<ByteString> ask = new ArrayList<>(unseen);
        Collections.shuffle(ask);
        int room = Math.min(ask.size(), router.config.maxIHaveLength() - p.asked);
        p.asked += room;
        return ask.subList(0, room);
    }

    /** Takes {@code p} into our mesh of {@code topic}; returns the PRUNE that refuses it, or null. */
    private RpcProto.ControlPrune graft(GossipPeer p, String topic) {
        Set<GossipPeer> members = router.mesh.get(topic);
        if (members == null || members.contains(p)) {
            return null; // a topic we do not subscribe is ignored, as go does (no peer exchange to leak)
        }
        if (router.backoffs.active(topic, p.id)) {
            LOG.debug("GRAFT of {} from {} during its backoff: pruned again", topic, p.id);
            router.backoffs.add(topic, p.id, router.config.pruneBackoff());
            router.penalize(p, 1, "GRAFT during a backoff");
            return pruneOf(p, topic, router.config.pruneBackoff());
        }
        if (members.size() >= router.config.dHigh() && !p.dialledByUs()) {
            router.backoffs.add(topic, p.id, router.config.pruneBackoff());
            return pruneOf(p, topic, router.config.pruneBackoff());
        }
        members.add(p);
        return null;
    }

    private void prune(GossipPeer p, RpcProto.ControlPrune prune) {
        String topic = prune.getTopicID();
        Set<GossipPeer> members = router.mesh.get(topic);
        if (members == null || !members.remove(p)) {
            return;
        }
        Duration backoff = prune.hasBackoff() && prune.getBackoff() > 0
                ? Duration.ofSeconds(Math.min(prune.getBackoff(), Duration.ofDays(1).toSeconds()))
                : router.config.pruneBackoff();
        router.backoffs.add(topic, p.id, backoff);
        if (members.size() < router.config.dLow()) {
            exchange(prune.getPeersList());
        }
    }

    /** Dials up to {@code prunePeers} peers of a PRUNE's peer exchange that came with a valid signed record. */
    private void exchange(List<RpcProto.PeerInfo> offered) {
        int dialled = 0;
        for (RpcProto.PeerInfo info : offered) {
            if (dialled == router.config.prunePeers() || !info.hasSignedPeerRecord()) {
                continue;
            }
            try {
                RoutingRecord record = RoutingRecord.open(info.getSignedPeerRecord().toByteArray());
                PeerId id = record.peerId();
                if (!id.equals(router.host.peerId()) && !router.peers.containsKey(id) && !router.isGraylisted(id)) {
                    dialled++;
                    router.host.connect(id, record.addresses()).exceptionally(e -> null);
                }
            } catch (InvalidRecordException e) {
                LOG.debug("a peer exchange offered an invalid record: {}", e.getMessage());
            }
        }
    }

    /** Sends {@code rpc}, split into RPCs under the size limit when the messages it answers make it larger. */
    void sendSplit(GossipPeer p, RpcProto.RPC rpc) {
        if (rpc.getSerializedSize() == 0) {
            return;
        }
        int limit = router.config.maxRpcSize();
        if (rpc.getSerializedSize() <= limit) {
            router.send(p, rpc);
            return;
        }
        RpcProto.RPC.Builder part = rpc.toBuilder().clearPublish();
        for (RpcProto.Message m : rpc.getPublishList()) {
            if (part.getPublishCount() > 0 && part.build().getSerializedSize() + m.getSerializedSize() + 8 > limit) {
                router.send(p, part.build());
                part = RpcProto.RPC.newBuilder();
            }
            part.addPublish(m);
        }
        router.send(p, part.build());
    }
}
