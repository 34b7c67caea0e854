package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.NatsServerRunner;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.propagation.directory.EmbeddedPeerStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A local process cannot write a node's embedded peer directory (issue 10, item 5; it used to be a Mongo wire
 * server on a loopback port, without credentials, through which any local process could add a PARTNER). The
 * node, a process of its own, listens on no TCP port but its libp2p and management ports; its directory file
 * is its user's alone (0600, in the data directory it created 0700), and locked while it runs.
 */
class EmbeddedDirectoryProcessTest {
    @TempDir
    Path dir;

    @Test
    void noPortButItsOwnAndTheDirectoryFileIsTheNodesAlone() throws Exception {
        int p2pPort = NodeFixture.freePort();
        try (NatsServerRunner nats = NatsServerRunners.builder().outputLevel(Level.WARNING).build();
             NodeProcess node = new NodeProcess("directory-node",
                     NodeProcess.environmentWithNewFiles(dir, nats.getURI(), p2pPort), dir.resolve("node.log"),
                     List.of("run"))) {
            JsonNode ready = node.awaitReady();
            JsonNode directory = NodeProcess.check(ready, "peer-directory");
            assertEquals("UP", directory.path("status").asText(), ready::toString);
            assertTrue(directory.path("data").path("store").asText().contains(EmbeddedPeerStore.STORE_FILE),
                    ready::toString);

            assertEquals(Set.of(p2pPort, node.managementPort()), ListeningPorts.of(node.pid()),
                    "the node's listening TCP ports");
            Path data = dir.resolve("data");
            assertEquals("rw-------", mode(data.resolve(EmbeddedPeerStore.STORE_FILE)));
            assertEquals("rwx------", mode(data));
            assertThrows(MVStoreException.class, () -> EmbeddedPeerStore.open(data),
                    "another process cannot open the directory while the node runs");
        }
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
