package org.opencloud.discovery.e2e;

import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.opencloud.discovery.e2e.NodeFixture.peerJson;

/**
 * A node process and its own nats-server with JetStream (whose store survives its restart), configured by
 * environment variables, in {@code home}; what it starts goes to {@code running}, for the test to close in reverse.
 */
final class ProcessNode {
    final String name;
    final Path home;
    final PrivateKey identity = PrivateKey.generate();
    final int p2pPort = NodeFixture.freePort();
    final NatsServerProcess nats;
    private final List<AutoCloseable> running;
    private final Map<String, String> settings = new HashMap<>();
    NodeProcess process;

    ProcessNode(String name, Path home, List<AutoCloseable> running) throws IOException {
        this.name = name;
        this.home = home;
        this.running = running;
        KeyFiles.writePrivate(home.resolve("identity.key"), identity.toProtobuf());
        nats = new NatsServerProcess(home, true).start();
        running.add(nats);
    }

    /** An environment variable for the next start ({@code OC_JETSTREAM_ACK_WAIT_MS}, say). */
    ProcessNode set(String variable, String value) {
        settings.put(variable, value);
        return this;
    }

    /** Writes the peers file: these peer ids and addresses as partners. */
    void partners(Map<String, String> addressesByPeerId) throws IOException {
        StringBuilder peers = new StringBuilder("[");
        addressesByPeerId.forEach((peerId, address) -> peers.append(peers.length() > 1 ? "," : "")
                .append(peerJson(peerId, address, "PARTNER")));
        Files.writeString(home.resolve("peers.json"), peers.append("]"));
    }

    void partner(ProcessNode other) throws IOException {
        partners(Map.of(other.identity.peerId().toString(), other.address()));
    }

    String peerId() {
        return identity.peerId().toString();
    }

    /** The dialable address, with {@code /p2p/<peer id>}. */
    String address() {
        return "/ip4/127.0.0.1/tcp/" + p2pPort + "/p2p/" + identity.peerId();
    }

    /** Starts the node's process (again: the same data, key and ports). */
    void start() throws IOException {
        Map<String, String> environment = new HashMap<>(Map.of(
                "OC_NATS_SERVERS", nats.url(),
                "OC_DATA_DIR", home.resolve("data").toString(),
                "OC_PEERS_FILE", home.resolve("peers.json").toString(),
                "CAMEL_MAIN_NAME", name,
                "CAMEL_COMPONENT_LIBP2P_LISTENADDRESSES", "/ip4/127.0.0.1/tcp/" + p2pPort,
                "CAMEL_COMPONENT_LIBP2P_IDENTITYKEYFILE", home.resolve("identity.key").toString(),
                "CAMEL_MAIN_ROUTESRELOADENABLED", "false",
                "CAMEL_MANAGEMENT_ENABLED", "true"));
        environment.put("CAMEL_MANAGEMENT_PORT", String.valueOf(NodeFixture.freePort()));
        environment.putAll(settings);
        process = new NodeProcess(name, environment, home.resolve(name + ".log"), List.of("run"));
        running.add(process);
    }
}
