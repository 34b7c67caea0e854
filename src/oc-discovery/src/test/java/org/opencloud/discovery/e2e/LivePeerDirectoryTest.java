package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.directory.Relation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.opencloud.discovery.e2e.NodeFixture.assertNothing;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.peerMessage;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * Spec 2: the directory follows the apps live. A partner removed with REMOVE_RESOURCE or added with
 * CREATE_RESOURCE (DataType PEER) is followed from the next propagation on, without a restart; an added
 * one is still there after a restart on the same data directory (the embedded store).
 */
class LivePeerDirectoryTest {
    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;

    @BeforeAll
    static void startNodes() throws Exception {
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a"))).peers(List.of());
        b = new NodeFixture("node-b", Files.createDirectories(dir.resolve("b")));
        a.start();
        b.partners(a).start();
    }

    @AfterAll
    static void stopNodes() throws Exception {
        NodeFixture.closeAll(a, b);
    }

    @Test
    void partnerRemovedThenAddedAtRunTimeIsFollowedWithoutRestart() {
        a.publish("REMOVE_RESOURCE", peerMessage(peerJson(b.peerId(), b.address(), "PARTNER")));
        awaitPartnerOfA(false);
        Subscription onB = b.subscribe("CREATE_RESOURCE");
        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "WORKFLOW", "{\"id\":\"wf-0\"}", false));
        assertNothing(onB, Duration.ofSeconds(1));
        onB.unsubscribe();

        addBAsPartnerOfA();

        assertPropagatesToB("{\"id\":\"wf-1\",\"steps\":3}");
    }

    @Test
    void partnerAddedAtRunTimeSurvivesARestart() {
        addBAsPartnerOfA();

        a.stop();
        a.start();

        PeerRecord kept = directory(a).findByPeerId(b.peerId());
        assertNotNull(kept, "B is still in A's directory after the restart");
        assertEquals(Relation.PARTNER, kept.relation());
        assertEquals(List.of(b.address()), kept.addresses());
        assertPropagatesToB("{\"id\":\"wf-2\",\"steps\":5}");
    }

    @Test
    void peerWhoseIdIsNoLibp2pIdIsNotStoredAndTheNextPartnerWorks() {
        ObjectNode bad = NodeFixture.JSON.createObjectNode().put("peer_id", "abc").put("relation", "PARTNER");
        bad.putArray("stream_address").add("/ip4/127.0.0.1/tcp/1");
        a.publish("CREATE_RESOURCE", peerMessage(bad));

        addBAsPartnerOfA();

        assertNull(directory(a).findByPeerId("abc"), "A's directory: " + directory(a).all());
        assertEquals(List.of(b.peerId()), directory(a).all().stream().map(PeerRecord::peerId).toList());
        assertPropagatesToB("{\"id\":\"wf-3\"}");
    }

    private static void addBAsPartnerOfA() {
        a.publish("CREATE_RESOURCE", peerMessage(peerJson(b.peerId(), b.address(), "PARTNER")));
        awaitPartnerOfA(true);
    }

    /** Waits until A's directory has (or has not) B as a partner: the directory route runs apart from the test. */
    private static void awaitPartnerOfA(boolean partner) {
        long deadline = System.nanoTime() + NodeFixture.WAIT.toNanos();
        while (directory(a).partners().stream().anyMatch(p -> p.peerId().equals(b.peerId())) != partner) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("B never became " + (partner ? "" : "no longer ") + "a partner of A: "
                        + directory(a).all());
            }
            NodeFixture.sleep(Duration.ofMillis(50));
        }
    }

    private static void assertPropagatesToB(String resource) {
        Subscription onB = b.subscribe("CREATE_RESOURCE");
        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "WORKFLOW", resource, false));
        assertEquals(json(resource), decodedPayload(json(next(onB)).get("Payload")));
        onB.unsubscribe();
    }

    private static PeerDirectory directory(NodeFixture node) {
        return node.node().context().getRegistry().lookupByNameAndType("peerDirectory", PeerDirectory.class);
    }
}
