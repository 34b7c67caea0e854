package org.opencloud.discovery.p2p.protocol.pubsub;

import io.netty.buffer.Unpooled;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.host.VarintFrameReader;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A hand-driven pubsub peer for the hostile and protocol tests: it serves meshsub only to record what the node
 * sends it, and writes whatever bytes the test likes on its own stream to the node.
 */
final class RawPubsubPeer {
    final Host host;
    final List<RpcProto.RPC> received = new CopyOnWriteArrayList<>();
    final List<Long> receivedAtNanos = new CopyOnWriteArrayList<>();
    final StrictSign signer;
    private Stream out;

    RawPubsubPeer(Host host) {
        this.host = host;
        this.signer = new StrictSign(host);
        StandardProtocols.install(host);
        host.handle(GossipConfig.MESHSUB_V11, s -> s.setListener(new VarintFrameReader(1 << 21, new VarintFrameReader.Frames() {
            @Override
            public void onFrame(MuxedStream stream, byte[] frame) {
                try {
                    received.add(RpcProto.RPC.parseFrom(frame));
                    receivedAtNanos.add(System.nanoTime());
                } catch (Exception e) {
                    throw new AssertionError("the node sent a malformed RPC", e);
                }
            }

            @Override
            public void onEnd(MuxedStream stream) {
            }

            @Override
            public void onFailure(MuxedStream stream, String reason) {
            }
        })));
    }

    /** Opens our stream to {@code node} (once). */
    RawPubsubPeer connect(Host node) throws Exception {
        out = host.newStream(PubsubTestNetwork.addressOf(node), List.of(GossipConfig.MESHSUB_V11))
                .get(PubsubTestNetwork.WAIT.toSeconds(), TimeUnit.SECONDS);
        return this;
    }

    Stream stream() {
        return out;
    }

    void writeRaw(byte[] bytes) {
        out.write(Unpooled.wrappedBuffer(bytes));
    }

    void send(RpcProto.RPC rpc) {
        out.write(Varint.lengthPrefixed(rpc.toByteArray()));
    }

    static RpcProto.RPC subscribe(String topic) {
        return RpcProto.RPC.newBuilder().addSubscriptions(
                RpcProto.RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid(topic)).build();
    }

    static RpcProto.RPC publish(RpcProto.Message m) {
        return RpcProto.RPC.newBuilder().addPublish(m).build();
    }

    static RpcProto.RPC control(RpcProto.ControlMessage.Builder control) {
        return RpcProto.RPC.newBuilder().setControl(control).build();
    }

    /** How many GRAFTs of {@code topic} the node sent us, and when the last arrived. */
    long grafts(String topic) {
        return received.stream().flatMap(r -> r.getControl().getGraftList().stream())
                .filter(g -> g.getTopicID().equals(topic)).count();
    }

    long prunes(String topic) {
        return received.stream().flatMap(r -> r.getControl().getPruneList().stream())
                .filter(p -> p.getTopicID().equals(topic)).count();
    }
}
