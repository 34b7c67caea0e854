package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.NatsServerRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.interop.ProjectPaths;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Connection;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.pnet.SwarmKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node configured by environment variables only, as a container runs it: started from the project
 * directory, whose {@code config/application.properties} says otherwise (listen on 0.0.0.0:4001, key in
 * {@code data/}, no private network), and the variables win: it listens where they say, under the peer id of
 * the key file they name, inside the private network of the swarm.key they name, with its management server
 * on the port they name ({@code CAMEL_MANAGEMENT_PORT}, a name camel-main itself skips). And {@code -D} system
 * properties beat the environment.
 */
class EnvironmentConfiguredNodeTest {
    @TempDir
    Path dir;

    @Test
    void environmentVariablesBeatTheOperatorsFile() throws Exception {
        PrivateKey identity = PrivateKey.generate();
        KeyFiles.writePrivate(dir.resolve("node.key"), identity.toProtobuf());
        SwarmKey swarmKey = SwarmKey.generate();
        swarmKey.write(dir.resolve("swarm.key"));
        Files.writeString(dir.resolve("peers.json"), "[]");
        int p2pPort = NodeFixture.freePort();
        try (NatsServerRunner nats = NatsServerRunners.builder().outputLevel(Level.WARNING).build();
             NodeProcess node = new NodeProcess("env-node", NodeProcess.environment(dir, nats.getURI(), p2pPort),
                     dir.resolve("node.log"), List.of("run"))) {
            JsonNode ready = node.awaitReady();
            JsonNode libp2p = NodeProcess.check(ready, "libp2p-host").path("data");
            assertEquals(identity.peerId().toString(), libp2p.path("peerId").asText(), ready::toString);
            assertEquals("[/ip4/127.0.0.1/tcp/" + p2pPort + "]", libp2p.path("listenAddresses").asText(), ready::toString);
            assertEquals("UP", NodeProcess.check(ready, "nats").path("status").asText(), ready::toString);

            Multiaddr address = Multiaddr.of("/ip4/127.0.0.1/tcp/" + p2pPort + "/p2p/" + identity.peerId());
            assertEquals(identity.peerId(), dialedPeer(address, swarmKey), "the node's peer id, inside the swarm key");
            assertTrue(libp2p.path("privateNetwork").asBoolean(), ready::toString);
            assertThrows(Exception.class, () -> dialedPeer(address, null),
                    "a peer without the swarm key cannot connect: the private network is on");
        }
    }

    @Test
    void systemPropertiesBeatEnvironmentVariables() throws Exception {
        int p2pPort = NodeFixture.freePort();
        try (NatsServerRunner nats = NatsServerRunners.builder().outputLevel(Level.WARNING).build();
             NodeProcess node = new NodeProcess("sys-node", ProjectPaths.root(), List.of(
                     "-Doc.nats.servers=" + nats.getURI(),
                     "-Dcamel.component.libp2p.listenAddresses=/ip4/127.0.0.1/tcp/" + p2pPort),
                     NodeProcess.environmentWithNewFiles(dir, "nats://127.0.0.1:1", NodeFixture.freePort()),
                     dir.resolve("node.log"), List.of("run"))) {
            JsonNode ready = node.awaitReady(); // NATS UP: the -D server, not the environment's closed port
            assertEquals("[/ip4/127.0.0.1/tcp/" + p2pPort + "]",
                    NodeProcess.check(ready, "libp2p-host").path("data").path("listenAddresses").asText(), ready::toString);
        }
    }

    /**
     * A setting the node cannot apply ends the process with a non-zero code, as an orchestrator needs to see it,
     * although the node had already connected to NATS and opened its directory, whose threads would keep it alive.
     */
    @Test
    void aNodeThatCannotStartExits() throws Exception {
        Files.writeString(dir.resolve("peers.json"), "[]");
        try (NatsServerRunner nats = NatsServerRunners.builder().outputLevel(Level.WARNING).build();
             NodeProcess node = new NodeProcess("misconfigured-node", Map.of(
                     "OC_NATS_SERVERS", nats.getURI(),
                     "OC_DATA_DIR", dir.resolve("data").toString(),
                     "OC_PEERS_FILE", dir.resolve("peers.json").toString(),
                     "CAMEL_COMPONENT_LIBP2P_LISTENADDRESSES", "/ip4/127.0.0.1/tcp/" + NodeFixture.freePort(),
                     "CAMEL_COMPONENT_LIBP2P_NOSUCHOPTION", "1",
                     "CAMEL_MAIN_ROUTESRELOADENABLED", "false"),
                     dir.resolve("node.log"), List.of("run"))) {
            assertEquals(1, node.awaitExit(NodeProcess.START));
            assertTrue(node.logTail().contains("nosuchoption"), node::logTail);
        }
    }

    /** The peer a fresh host reaches at {@code address}, with or without the swarm key. */
    private static PeerId dialedPeer(Multiaddr address, SwarmKey swarmKey) throws Exception {
        try (Host client = new Host(HostConfig.withIdentity(PrivateKey.generate()).privateNetworkKey(swarmKey)).start()) {
            Connection connection = client.connect(address).get(15, TimeUnit.SECONDS);
            return connection.remotePeer();
        }
    }
}
