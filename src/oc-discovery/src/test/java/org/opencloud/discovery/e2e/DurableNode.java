package org.opencloud.discovery.e2e;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node process and its own nats-server with JetStream, whose store survives the server's restarts, configured by
 * environment variables as an operator would; it can be killed and started again on the same data, key and ports.
 */
final class DurableNode implements AutoCloseable {
    private final String name;
    private final Path home;
    private final PrivateKey identity = PrivateKey.generate();
    private final int p2pPort = NodeFixture.freePort();
    // one port for every start, as its nats-server keeps its own: a port picked anew at a restart could be the one
    // its nats-server left free while it was down, and the restarted node would then talk HTTP to itself as NATS
    private final int managementPort = NodeFixture.freePort();
    private final NatsServerProcess nats;
    private final Map<String, String> settings = new HashMap<>();
    private NodeProcess process;

    DurableNode(String name, Path home) throws IOException {
        this.name = name;
        this.home = Files.createDirectories(home);
        KeyFiles.writePrivate(home.resolve("identity.key"), identity.toProtobuf());
        nats = new NatsServerProcess(home, true).start();
    }

    /** An environment variable for the node's next start (OC_OUTBOX_MAX_AGE_MS...). */
    DurableNode set(String variable, String value) {
        settings.put(variable, value);
        return this;
    }

    /** Writes the peers file: each of {@code partners} as a PARTNER, and {@code extra} peers as they are. */
    DurableNode partners(List<DurableNode> partners, String... extra) throws IOException {
        List<String> peers = new ArrayList<>(List.of(extra));
        for (DurableNode other : partners) {
            peers.add(NodeFixture.peerJson(other.peerId(), other.address(), "PARTNER").toString());
        }
        Files.writeString(home.resolve("peers.json"), "[" + String.join(",", peers) + "]");
        return this;
    }

    String peerId() {
        return identity.peerId().toString();
    }

    String address() {
        return "/ip4/127.0.0.1/tcp/" + p2pPort + "/p2p/" + peerId();
    }

    NatsServerProcess nats() {
        return nats;
    }

    NodeProcess process() {
        return process;
    }

    /** Where the node keeps its key, peers file and data. */
    Path home() {
        return home;
    }

    /** The node process's log, of every start. */
    Path log() {
        return home.resolve(name + ".log");
    }

    /** This node's outbox consumer for {@code partner} in {@code stream} on its NATS. */
    private ConsumerInfo outboxOf(String stream, String partner) throws Exception {
        try (Connection connection = Nats.connect(new Options.Builder().server(nats.url())
                .connectionName(NodeFixture.TEST_CLIENT).build())) {
            return connection.jetStreamManagement().getConsumerInfo(stream, name + "-" + partner);
        }
    }

    /**
     * This node's outbox consumer for {@code partner} in {@code stream}, once it holds nothing more or {@code within}
     * passed: the partner's confirmations reach the outbox as acknowledgements a moment after the events arrived.
     */
    ConsumerInfo drainedOutboxOf(String stream, String partner, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        ConsumerInfo info = outboxOf(stream, partner);
        while (info.getNumPending() + info.getNumAckPending() > 0 && System.nanoTime() < deadline) {
            NodeFixture.sleep(Duration.ofMillis(100));
            info = outboxOf(stream, partner);
        }
        return info;
    }

    /** A stream's configuration on this node's NATS. */
    StreamConfiguration stream(String stream) throws Exception {
        try (Connection connection = Nats.connect(new Options.Builder().server(nats.url())
                .connectionName(NodeFixture.TEST_CLIENT).build())) {
            return connection.jetStreamManagement().getStreamInfo(stream).getConfiguration();
        }
    }

    /** Starts the node's process (again: the same data, key and ports). */
    DurableNode start() throws IOException {
        Map<String, String> environment = new HashMap<>(Map.of(
                "OC_NATS_SERVERS", nats.url(),
                "OC_DATA_DIR", home.resolve("data").toString(),
                "OC_PEERS_FILE", home.resolve("peers.json").toString(),
                "CAMEL_MAIN_NAME", name,
                "CAMEL_COMPONENT_LIBP2P_LISTENADDRESSES", "/ip4/127.0.0.1/tcp/" + p2pPort,
                "CAMEL_COMPONENT_LIBP2P_IDENTITYKEYFILE", home.resolve("identity.key").toString(),
                "CAMEL_MAIN_ROUTESRELOADENABLED", "false",
                "CAMEL_MANAGEMENT_ENABLED", "true"));
        environment.put("CAMEL_MANAGEMENT_PORT", String.valueOf(managementPort));
        environment.putAll(settings);
        process = new NodeProcess(name, environment, log(), List.of("run"));
        return this;
    }

    /** SIGKILL, as a crash. */
    void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGTERM, as an operator stops the node. */
    void stop() throws InterruptedException {
        process.close();
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
        nats.close();
    }
}
