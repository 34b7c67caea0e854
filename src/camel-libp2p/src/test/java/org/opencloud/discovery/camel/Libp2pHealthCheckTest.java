package org.opencloud.discovery.camel;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The readiness check follows the host; a host given to the component stays its owner's. */
class Libp2pHealthCheckTest {
    @TempDir
    Path dir;

    private static HealthCheck.Result readiness(Libp2pNode node) {
        return HealthCheckHelper.invokeReadiness(node.context).stream()
                .filter(r -> r.getCheck().getId().equals(Libp2pHealthCheck.ID))
                .findFirst().orElseThrow();
    }

    @Test
    void upWithThePeerIdWhileListening() throws Exception {
        try (Libp2pNode node = Libp2pNode.start(dir, "a")) {
            HealthCheck.Result result = readiness(node);
            assertEquals(HealthCheck.State.UP, result.getState());
            assertEquals(node.peerId().toString(), result.getDetails().get("peerId"));
            assertEquals(0, result.getDetails().get("connectedPeers"));
            assertTrue(result.getDetails().get("listenAddresses").toString().contains("/ip4/127.0.0.1/tcp/"));
        }
    }

    @Test
    void followsAGivenHostAndLeavesItOpen() throws Exception {
        try (Host given = new Host(HostConfig.withIdentity(PrivateKey.generate())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")))) {
            try (Libp2pNode node = Libp2pNode.start(dir, "a", c -> c.setHost(given))) {
                assertEquals(HealthCheck.State.DOWN, readiness(node).getState());
                given.start();
                assertEquals(HealthCheck.State.UP, readiness(node).getState());
                assertEquals(given.peerId(), node.peerId());
            }
            assertTrue(given.isListening(), "the component must not close a host it was given");
        }
        assertFalse(dir.resolve("a.key").toFile().exists(), "no identity is created for a given host");
    }
}
