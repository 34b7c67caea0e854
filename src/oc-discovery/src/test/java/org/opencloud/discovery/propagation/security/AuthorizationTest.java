package org.opencloud.discovery.propagation.security;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.Action;
import org.opencloud.discovery.propagation.codec.ResourceProtocols;
import org.opencloud.discovery.propagation.directory.EmbeddedPeerStore;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.directory.Relation;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AuthorizationTest {
    /** Other ids than the defaults, as an operator may configure them (oc.protocol.*). */
    private static final ResourceProtocols PROTOCOLS = new ResourceProtocols("/test/planner/2.0", "/test/search/2.0",
            "/test/search-result/2.0");

    private final String partner = PrivateKey.generate().peerId().toString();
    private final String known = PrivateKey.generate().peerId().toString();
    private final String blacklisted = PrivateKey.generate().peerId().toString();
    private final String stranger = PrivateKey.generate().peerId().toString();

    private EmbeddedPeerStore store;
    private PeerDirectory directory;
    private Authorization authorization;

    @BeforeEach
    void start(@TempDir Path data) {
        store = EmbeddedPeerStore.open(data);
        directory = new PeerDirectory(store);
        directory.upsert(new PeerRecord(partner, null, null, Relation.PARTNER, null, null));
        directory.upsert(new PeerRecord(known, null, null, Relation.NONE, null, null));
        directory.upsert(new PeerRecord(blacklisted, null, null, Relation.BLACKLIST, null, null));
        authorization = new Authorization(directory, PROTOCOLS);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private void refused(Reason reason, String peer, Action action) {
        PropagationException e = assertThrows(PropagationException.class, () -> authorization.authorize(peer, action));
        assertEquals(reason, e.getReason());
    }

    @Test
    void connectionGateRefusesOnlyBlacklistedPeers() {
        assertEquals("BLACKLISTED", authorization.refusal(blacklisted));
        assertNull(authorization.refusal(partner));
        assertNull(authorization.refusal(known));
        assertNull(authorization.refusal(stranger));
        assertEquals(1, authorization.refusalCount(Reason.BLACKLISTED));
    }

    @Test
    void resourceChangesOnlyFromPartners() {
        for (Action action : new Action[] {Action.PB_CREATE, Action.PB_UPDATE, Action.PB_DELETE}) {
            assertDoesNotThrow(() -> authorization.authorize(partner, action));
            refused(Reason.NOT_PARTNER, known, action);
            refused(Reason.UNKNOWN_PEER, stranger, action);
            refused(Reason.BLACKLISTED, blacklisted, action);
        }
        assertEquals(Map.of("BLACKLISTED", 3L, "NOT_PARTNER", 3L, "UNKNOWN_PEER", 3L), authorization.getRefusalCounts());
    }

    @Test
    void considersFromKnownNonBlacklistedPeers() {
        assertDoesNotThrow(() -> authorization.authorize(partner, Action.PB_CONSIDERS));
        assertDoesNotThrow(() -> authorization.authorize(known, Action.PB_CONSIDERS));
        refused(Reason.UNKNOWN_PEER, stranger, Action.PB_CONSIDERS);
        refused(Reason.BLACKLISTED, blacklisted, Action.PB_CONSIDERS);
    }

    @Test
    void protocolsMapToTheirActionsAndRelationChangesApplyAtOnce() {
        assertDoesNotThrow(() -> authorization.authorizeProtocol(partner, "/opencloud/resource/delete/1.0"));
        directory.upsert(new PeerRecord(partner, null, null, Relation.BLACKLIST, null, null));
        PropagationException e = assertThrows(PropagationException.class,
                () -> authorization.authorizeProtocol(partner, "/opencloud/resource/delete/1.0"));
        assertEquals(Reason.BLACKLISTED, e.getReason());
        e = assertThrows(PropagationException.class, () -> authorization.authorizeProtocol(partner, "/ipfs/ping/1.0.0"));
        assertEquals(Reason.UNKNOWN_ACTION, e.getReason());
    }

    @Test
    void configuredProtocolIdsAreJudgedByTheActionTheyCarry() {
        assertNull(authorization.streamRefusal(known, "/test/planner/2.0"));
        assertEquals("UNKNOWN_PEER", authorization.streamRefusal(stranger, "/test/planner/2.0"));
        assertEquals(Action.PB_PLANNER, authorization.authorizeProtocol(known, "/test/planner/2.0"));
        assertEquals(Action.PB_SEARCH, authorization.authorizeProtocol(stranger, "/test/search/2.0"),
                "anyone not blacklisted may search");
        assertEquals("BLACKLISTED", authorization.streamRefusal(blacklisted, "/test/search/2.0"));
        PropagationException e = assertThrows(PropagationException.class,
                () -> authorization.authorizeProtocol(known, "/opencloud/resource/planner/1.0"));
        assertEquals(Reason.UNKNOWN_ACTION, e.getReason(), "the default id is not served once another is configured");
        assertThrows(IllegalArgumentException.class,
                () -> new ResourceProtocols("/a/1.0", "/a/1.0", "/b/1.0"), "one id for two actions");
        assertThrows(IllegalArgumentException.class,
                () -> new ResourceProtocols("", "/a/1.0", "/b/1.0"), "an empty id");
    }
}
