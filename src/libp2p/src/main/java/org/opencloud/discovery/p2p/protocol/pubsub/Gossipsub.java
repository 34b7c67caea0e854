package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.host.VarintFrameReader;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.protocol.identify.IdentifyService;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Gossipsub v1.1 on a {@link Host}: {@code /meshsub/1.1.0}, and {@code /meshsub/1.0.0} for older peers. Peers
 * join when identify lists a meshsub protocol or when they open a meshsub stream. With each peer we keep one
 * outbound stream we write length-prefixed RPCs on, and read the one it opened; both stay open while quiet.
 *
 * <p>All state lives on one thread, the router's, which also calls the subscribers' handlers: they must not
 * block. Frames are bounded ({@link GossipConfig#maxRpcSize}) before they are buffered and parsed on the
 * connection's event loop; a peer with many RPCs waiting for the router is paused (yamux holds its window).
 */
public final class Gossipsub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gossipsub.class);

    private final Host host;
    private final GossipConfig config;
    private final GossipStats stats = new GossipStats();
    private final ScheduledExecutorService thread;
    private final GossipRouter router;
    private final GossipHeartbeat heartbeat;
    private volatile Thread routerThread;

    private Gossipsub(Host host, GossipConfig config) {
        this.host = host;
        this.config = config;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gossipsub-" + host.peerId().toString().substring(host.peerId().toString().length() - 6));
            t.setDaemon(true);
            routerThread = t;
            return t;
        });
        this.router = new GossipRouter(host, config, stats, this::open);
        this.heartbeat = new GossipHeartbeat(router);
    }

    /** Runs gossipsub on {@code host}, finding its peers through {@code identify}. */
    public static Gossipsub install(Host host, IdentifyService identify, GossipConfig config) {
        Gossipsub pubsub = new Gossipsub(host, config);
        for (String protocol : GossipConfig.PROTOCOLS) {
            host.handle(protocol, pubsub::accept);
        }
        identify.onIdentified((peer, info) -> {
            if (info.protocols().stream().anyMatch(GossipConfig.PROTOCOLS::contains)) {
                pubsub.run(() -> pubsub.router.addPeer(peer));
            }
        });
        long period = config.heartbeat().toMillis();
        pubsub.thread.scheduleAtFixedRate(() -> pubsub.guarded(pubsub.heartbeat::run), period / 10, period,
                TimeUnit.MILLISECONDS);
        return pubsub;
    }

    /**
     * Joins {@code topic} (grafting a mesh) and hands each new message of it to {@code handler}, on the router's
     * thread; closing the subscription leaves the topic once its last subscription is closed.
     */
    public Subscription subscribe(String topic, Consumer<PubsubMessage> handler) {
        run(() -> router.subscribe(topic, handler));
        return new Subscription(topic, () -> run(() -> router.unsubscribe(topic, handler)));
    }

    /**
     * Signs {@code data} with the host's identity and sends it on {@code topic}: to every peer of the topic
     * (flood publishing) or to the mesh or fanout; completes with how many peers it went to. A message whose
     * RPC would exceed the RPC limit is refused at once.
     */
    public CompletableFuture<Integer> publish(String topic, byte[] data) {
        RpcProto.Message m = router.signer.sign(topic, data);
        int size = RpcProto.RPC.newBuilder().addPublish(m).build().getSerializedSize();
        if (size > config.maxRpcSize()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a message of " + data.length
                    + " bytes makes an RPC of " + size + " bytes, over the limit of " + config.maxRpcSize()));
        }
        return call(() -> router.publish(m));
    }

    /** Peers of our mesh of {@code topic}. */
    public Set<PeerId> meshPeers(String topic) {
        return call(() -> router.ids(router.mesh.get(topic))).join();
    }

    /** Peers that told us they subscribe {@code topic}. */
    public Set<PeerId> topicPeers(String topic) {
        return call(() -> router.ids(router.topics.get(topic))).join();
    }

    /** Peers we speak meshsub with. */
    public Set<PeerId> peers() {
        return call(() -> Set.copyOf(router.peers.keySet())).join();
    }

    public GossipStats stats() {
        return stats;
    }

    @Override
    public void close() {
        for (String protocol : GossipConfig.PROTOCOLS) {
            host.unhandle(protocol);
        }
        call(() -> {
            List.copyOf(router.peers.keySet()).forEach(router::removePeer);
            return null;
        }).orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        thread.shutdownNow();
    }

    // ---- streams

    private void open(GossipPeer p) {
        host.newStream(p.id, List.of(), GossipConfig.PROTOCOLS).whenComplete((s, e) -> {
            if (e != null) {
                LOG.debug("cannot open a pubsub stream to {}: {}", p.id, e.getMessage());
                run(() -> router.lost(p, null));
                return;
            }
            s.keepWhenIdle();
            s.setListener(new MuxedStream.Listener() { // we only write here; a peer writing back is ignored
                @Override
                public void onData(MuxedStream stream, ByteBuf data) {
                    data.release();
                }

                @Override
                public void onRemoteClose(MuxedStream stream) {
                }

                @Override
                public void onReset(MuxedStream stream, Throwable cause) {
                }
            });
            s.closeFuture().addListener(f -> run(() -> router.lost(p, s)));
            run(() -> router.opened(p, s));
        });
    }

    private void accept(Stream stream) {
        PeerId from = stream.remotePeer();
        stream.keepWhenIdle();
        AtomicInteger queued = new AtomicInteger();
        stream.setListener(new VarintFrameReader(config.maxRpcSize(), new VarintFrameReader.Frames() {
            @Override
            public void onFrame(MuxedStream s, byte[] frame) {
                RpcProto.RPC rpc;
                try {
                    rpc = RpcProto.RPC.parseFrom(frame);
                } catch (InvalidProtocolBufferException e) {
                    s.reset();
                    run(() -> router.refusedRpc(from, "malformed RPC: " + e.getMessage()));
                    return;
                }
                if (queued.incrementAndGet() > config.maxQueuedRpcs()) {
                    s.pauseReading();
                }
                run(() -> {
                    try {
                        router.handle(from, rpc);
                    } finally {
                        if (queued.decrementAndGet() == config.maxQueuedRpcs() / 2) {
                            s.resumeReading();
                        }
                    }
                });
            }

            @Override
            public void onEnd(MuxedStream s) {
            }

            @Override
            public void onFailure(MuxedStream s, String reason) {
                if (!"stream reset".equals(reason)) {
                    run(() -> router.refusedRpc(from, reason));
                }
            }
        }));
        run(() -> {
            if (!router.inbound(from, stream)) {
                stream.reset();
            }
        });
    }

    // ---- the router's thread

    /** Queues {@code task} for the router's thread; false once closed. */
    private boolean run(Runnable task) {
        try {
            thread.execute(() -> guarded(task));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("pubsub task failed", e);
        }
    }

    /** Runs {@code task} on the router's thread (at once when called there, as from a handler). */
    private <T> CompletableFuture<T> call(Supplier<T> task) {
        if (Thread.currentThread() == routerThread) {
            return CompletableFuture.completedFuture(task.get());
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        boolean queued = run(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        if (!queued) {
            result.completeExceptionally(new IllegalStateException("pubsub is closed"));
        }
        return result;
    }
}
