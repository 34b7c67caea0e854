package org.opencloud.discovery.bench;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.NatsServerRunner;
import org.opencloud.discovery.e2e.NatsServerRunners;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.opencloud.discovery.node.Node;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.pnet.SwarmKey;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * Node A and its partners, each a real node with its own nats-server, one shared swarm.key: all in this JVM
 * ({@link Node}), or each in a JVM of its own ({@link NodeJvm}), as operators deploy them.
 * The partners start once; A restarts for each partner count with a peers file naming the first N.
 */
final class BenchCluster implements AutoCloseable {
    /** One node's identity, libp2p port and NATS server. */
    record Member(String name, PrivateKey key, int p2pPort, NatsServerRunner nats) {
        String multiaddr() {
            return "/ip4/127.0.0.1/tcp/" + p2pPort + "/p2p/" + key.peerId();
        }
    }

    private final Path dir;
    private final boolean processes;
    private final Map<String, String> extraProperties;
    private final Member a;
    /** Node A again (same key and port) on a nats-server with JetStream: durable intake and outboxes. */
    private final Member aDurable;
    private final List<Member> partners = new ArrayList<>();
    private final List<AutoCloseable> partnerNodes = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private AutoCloseable nodeA;
    private int aGeneration;

    /**
     * @param processes       every node in a JVM of its own, else all in this one
     * @param extraProperties node properties beyond the defaults, for every node (tuning under test)
     */
    BenchCluster(Path dir, int partnerCount, boolean processes, Map<String, String> extraProperties)
            throws Exception {
        this.dir = dir;
        this.processes = processes;
        this.extraProperties = extraProperties;
        NatsServerRunner.setDefaultOutputLevel(Level.SEVERE);
        Files.createDirectories(dir);
        SwarmKey.generate().write(dir.resolve("swarm.key"));
        a = member("a");
        NatsServerRunner jetStream = NatsServerRunners.withJetStream(dir.resolve("nats-store")).build();
        resources.add(jetStream);
        aDurable = new Member("a", a.key(), a.p2pPort(), jetStream);
        try {
            for (int i = 1; i <= partnerCount; i++) {
                Member partner = member("p" + i);
                partners.add(partner);
                partnerNodes.add(startNode(partner, partner.name(), List.of(a)));
            }
            for (AutoCloseable partner : partnerNodes) {
                if (partner instanceof NodeJvm jvm) {
                    jvm.awaitReady();
                }
            }
        } catch (Exception e) {
            close(); // the partner processes started so far would outlive the benchmark
            throw e;
        }
    }

    Member a() {
        return a;
    }

    Member aDurable() {
        return aDurable;
    }

    List<Member> partners() {
        return partners;
    }

    /**
     * (Re)starts node A with the first {@code count} partners as its PARTNER peers; {@code durable}: on the NATS with
     * JetStream, whose intake stream and outboxes are emptied first, so that one row's events do not reach the next.
     */
    void startA(int count, boolean durable) throws Exception {
        if (nodeA != null) {
            nodeA.close();
        }
        if (durable) {
            try (Connection connection = Nats.connect(aDurable.nats().getURI())) {
                JetStreamManagement management = connection.jetStreamManagement();
                for (String stream : management.getStreamNames()) {
                    management.deleteStream(stream);
                }
            }
        }
        nodeA = startNode(durable ? aDurable : a, "a" + (++aGeneration), partners.subList(0, count));
        if (nodeA instanceof NodeJvm jvm) {
            jvm.awaitReady();
        } else {
            awaitIntake((Node) nodeA);
        }
    }

    /** Node A's process CPU time so far; only with {@code processes}. */
    long cpuOfA() {
        return ((NodeJvm) nodeA).cpuNanos();
    }

    /** The CPU time so far of partner {@code index}'s process; only with {@code processes}. */
    long cpuOfPartner(int index) {
        return ((NodeJvm) partnerNodes.get(index)).cpuNanos();
    }

    /**
     * Until the node takes what is published on its NATS (readiness check {@code nats}): with JetStream, what is
     * published before its intake made the stream is not kept.
     */
    private static void awaitIntake(Node node) throws InterruptedException {
        HealthCheck check = HealthCheckRegistry.get(node.context()).getCheck("nats").orElseThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (check.call().getState() != HealthCheck.State.UP) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node A's intake not subscribed within 30 s: " + check.call());
            }
            Thread.sleep(20);
        }
    }

    /** A NATS client connection, closed with the cluster. */
    Connection connect(Member member) throws IOException, InterruptedException {
        Connection connection = Nats.connect(new Options.Builder().server(member.nats().getURI())
                .maxMessagesInOutgoingQueue(1_000_000).build());
        resources.add(connection);
        return connection;
    }

    private Member member(String name) throws IOException {
        NatsServerRunner nats = NatsServerRunners.builder().build();
        resources.add(nats);
        return new Member(name, PrivateKey.generate(), freePort(), nats);
    }

    private AutoCloseable startNode(Member member, String homeName, List<Member> partnersOfNode) throws IOException {
        Path home = dir.resolve(homeName);
        Files.createDirectories(home);
        KeyFiles.writePrivate(home.resolve("identity.key"), member.key().toProtobuf());
        StringBuilder peers = new StringBuilder("[");
        for (Member partner : partnersOfNode) {
            peers.append(peers.length() > 1 ? "," : "").append("{\"peer_id\":\"").append(partner.key().peerId())
                    .append("\",\"name\":\"").append(partner.name()).append("\",\"stream_address\":[\"")
                    .append(partner.multiaddr()).append("\"],\"relation\":\"PARTNER\"}");
        }
        Path peersFile = home.resolve("peers.json");
        Files.writeString(peersFile, peers.append(']').toString());
        Map<String, String> properties = new HashMap<>(Map.of(
                "oc.nats.servers", member.nats().getURI(),
                "oc.data-dir", home.toString(),
                "oc.peers.file", peersFile.toString(),
                "camel.main.name", "bench-" + homeName,
                "camel.main.routesReloadEnabled", "false",
                "camel.component.libp2p.identityKeyFile", home.resolve("identity.key").toString(),
                "camel.component.libp2p.listenAddresses", "/ip4/127.0.0.1/tcp/" + member.p2pPort(),
                "camel.component.libp2p.swarmKeyFile", dir.resolve("swarm.key").toString()));
        properties.putAll(extraProperties);
        return processes ? new NodeJvm(homeName, properties, home.resolve("node.log"))
                : Node.start(Node.DEFAULT_CONFIG, properties);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        if (nodeA != null) {
            nodeA.close();
        }
        for (AutoCloseable partner : partnerNodes) {
            partner.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }
}
