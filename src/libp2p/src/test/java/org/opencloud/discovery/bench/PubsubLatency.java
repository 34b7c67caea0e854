package org.opencloud.discovery.bench;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.pubsub.GossipConfig;
import org.opencloud.discovery.p2p.protocol.pubsub.Gossipsub;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Gossipsub delivery latency on loopback, Java only: {@code --nodes} hosts (default 50), each dialling 3 random
 * earlier ones, all subscribed to one topic with go's defaults; after the meshes form, one node publishes
 * {@code --messages} messages one at a time and each is timed until every other node has it. Run by
 * {@code src/test/bench/run.sh pubsub [--nodes N] [--messages M]}; speed is reported, never asserted.
 */
public final class PubsubLatency {
    private static final String TOPIC = "bench";

    public static void main(String[] args) throws Exception {
        int nodes = intOption(args, "--nodes", 50);
        int messages = intOption(args, "--messages", 200);
        List<Host> hosts = new ArrayList<>();
        List<Gossipsub> pubsubs = new ArrayList<>();
        ConcurrentHashMap<Long, CountDownLatch> pending = new ConcurrentHashMap<>();
        Random random = new Random(1);
        try {
            for (int i = 0; i < nodes; i++) {
                Host h = new Host(HostConfig.withIdentity(PrivateKey.generate()).ioThreads(1)
                        .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))).start();
                hosts.add(h);
                Gossipsub g = Gossipsub.install(h, StandardProtocols.install(h), new GossipConfig());
                pubsubs.add(g);
                g.subscribe(TOPIC, m -> {
                    CountDownLatch l = pending.get(ByteBuffer.wrap(m.data()).getLong());
                    if (l != null) {
                        l.countDown();
                    }
                });
                for (int k = 0; k < Math.min(3, i); k++) {
                    Host to = hosts.get(random.nextInt(i));
                    h.connect(to.listenAddresses().get(0).withPeerId(to.peerId())).get(10, TimeUnit.SECONDS);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // every node meshed with D_lo peers, or with all its subscribers when it has fewer
            while (pubsubs.stream().anyMatch(g -> g.meshPeers(TOPIC).size() < Math.min(5, g.topicPeers(TOPIC).size()))
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            int[] meshes = pubsubs.stream().mapToInt(g -> g.meshPeers(TOPIC).size()).sorted().toArray();
            double[] warm = run(pubsubs.get(0), pending, nodes - 1, Math.max(50, messages / 4), 0);
            double[] ms = run(pubsubs.get(0), pending, nodes - 1, messages, warm.length);
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "gossipsub, %d Java nodes on loopback (mesh sizes %d..%d, median %d), %d messages"
                            + " one at a time to %d subscribers: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    nodes, meshes[0], meshes[meshes.length - 1], meshes[meshes.length / 2], messages, nodes - 1,
                    ms[ms.length / 2], ms[(int) (ms.length * 0.9)], ms[(int) (ms.length * 0.99)], ms[ms.length - 1]);
            long duplicates = pubsubs.stream().mapToLong(g -> g.stats().duplicates()).sum();
            System.out.printf(Locale.ROOT, "duplicates dropped by the seen caches: %.1f per message%n",
                    duplicates / (double) (warm.length + ms.length));
        } finally {
            pubsubs.forEach(Gossipsub::close);
            hosts.forEach(Host::close);
        }
    }

    /** Times {@code count} messages from {@code publisher} until {@code subscribers} nodes have each. */
    private static double[] run(Gossipsub publisher, ConcurrentHashMap<Long, CountDownLatch> pending, int subscribers,
                                int count, long firstSeq) throws Exception {
        double[] ms = new double[count];
        for (int i = 0; i < count; i++) {
            long seq = firstSeq + i;
            CountDownLatch all = new CountDownLatch(subscribers);
            pending.put(seq, all);
            long t0 = System.nanoTime();
            publisher.publish(TOPIC, ByteBuffer.allocate(64).putLong(seq).array());
            if (!all.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("message " + seq + " reached " + (subscribers - all.getCount())
                        + " of " + subscribers + " subscribers");
            }
            ms[i] = (System.nanoTime() - t0) / 1e6;
            pending.remove(seq);
        }
        return ms;
    }

    private static int intOption(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
