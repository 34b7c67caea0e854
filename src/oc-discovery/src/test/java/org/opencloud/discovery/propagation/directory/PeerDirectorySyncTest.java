package org.opencloud.discovery.propagation.directory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.propagation.directory.PeerDirectoryTest.newPeerId;

class PeerDirectorySyncTest {

    private final PropagationCodec codec = new PropagationCodec(CodecTable.defaults(), "oc-discovery");
    private EmbeddedPeerStore store;
    private PeerDirectory directory;
    private PeerDirectorySync sync;

    @BeforeEach
    void start(@TempDir Path data) {
        store = EmbeddedPeerStore.open(data);
        directory = new PeerDirectory(store);
        sync = new PeerDirectorySync(directory, codec);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private static byte[] natsBody(String fromApp, int dataType, String payloadJson) {
        String payload = Base64.getEncoder().encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        return ("{\"FromApp\":\"" + fromApp + "\",\"Datatype\":" + dataType + ",\"User\":\"admin\",\"Method\":1,"
                + "\"Payload\":\"" + payload + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void seedsFromAPeersFile(@TempDir Path dir) throws Exception {
        String self = newPeerId();
        String partner = newPeerId();
        Path file = dir.resolve("peers.json");
        Files.writeString(file, "[{\"peer_id\":\"" + self + "\",\"relation\":\"SELF\",\"name\":\"me\"},"
                + "{\"addresses\":[\"/ip4/10.0.0.2/tcp/4001/p2p/" + partner + "\"],\"relation\":2,"
                + "\"public_key\":\"CAESIA==\",\"did\":\"did:oc:b\"}]");
        assertEquals(2, sync.seed(file));
        assertEquals(self, directory.self().peerId());
        PeerRecord b = directory.findByPeerId(partner);
        assertEquals(Relation.PARTNER, b.relation());
        assertEquals("CAESIA==", b.publicKey());
        assertEquals("did:oc:b", b.did());
        assertEquals(0, sync.seed(dir.resolve("absent.json")));
    }

    @Test
    void followsPeerCreateAndRemove() {
        String peer = newPeerId();
        String ocLibPeer = "{\"id\":\"6f1c-uuid\",\"name\":\"node-b\",\"peer_id\":\"" + peer + "\","
                + "\"stream_address\":\"/ip4/10.0.0.2/tcp/4001/p2p/" + peer + "\",\"public_key\":\"CAESIA==\","
                + "\"relation\":2,\"state\":1}";
        assertTrue(sync.applyCreate(natsBody("oc-peer", 9, ocLibPeer)));
        assertEquals(new PeerRecord(peer, List.of("/ip4/10.0.0.2/tcp/4001/p2p/" + peer), "CAESIA==",
                Relation.PARTNER, "node-b", null), directory.findByPeerId(peer));

        String blacklisted = ocLibPeer.replace("\"relation\":2", "\"relation\":\"BLACKLIST\"");
        assertTrue(sync.applyCreate(natsBody("oc-peer", 9, blacklisted)));
        assertEquals(Relation.BLACKLIST, directory.findByPeerId(peer).relation());

        assertTrue(sync.applyRemove(natsBody("oc-peer", 9, "{\"peer_id\":\"" + peer + "\"}")));
        assertNull(directory.findByPeerId(peer));
        assertFalse(sync.applyRemove(natsBody("oc-peer", 9, "{\"peer_id\":\"" + peer + "\"}")));
    }

    @Test
    void objectIdCountsOnlyWhenItIsAPeerId() {
        String peer = newPeerId();
        assertTrue(sync.applyCreate(natsBody("oc-peer", 9, "{\"id\":\"" + peer + "\",\"relation\":0}")));
        assertEquals(Relation.NONE, directory.findByPeerId(peer).relation());
        PropagationException e = assertThrows(PropagationException.class,
                () -> sync.applyCreate(natsBody("oc-peer", 9, "{\"id\":\"6f1c-uuid\",\"name\":\"x\"}")));
        assertEquals(Reason.MISSING_FIELD, e.getReason());
    }

    @Test
    void ignoresOtherDataTypesAndOwnMessages() {
        String peer = newPeerId();
        String json = "{\"peer_id\":\"" + peer + "\",\"relation\":2}";
        assertFalse(sync.applyCreate(natsBody("oc-catalog", 1, json)));
        assertFalse(sync.applyCreate(natsBody("oc-discovery", 9, json)));
        assertNull(directory.findByPeerId(peer));
    }

    /** 4294967298 was read as PARTNER (2) once wrapped to 32 bits. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"7", "4294967298", "-1", "2.5", "\"4294967298\""})
    void unknownRelationIsRefused(String relation) {
        String json = "{\"peer_id\":\"" + newPeerId() + "\",\"relation\":" + relation + "}";
        PropagationException e = assertThrows(PropagationException.class,
                () -> sync.applyCreate(natsBody("oc-peer", 9, json)));
        assertEquals(Reason.UNKNOWN_RELATION, e.getReason());
        assertEquals(List.of(), directory.all());
    }

    /** Ids that are no libp2p peer id: stored, they were partners that every event reported undelivered. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"peer_id\":\"abc\",\"relation\":2}",
            "{\"peer_id\":\"12D3KooW\",\"relation\":\"PARTNER\"}",
            "{\"peer_id\":\"QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5\",\"relation\":2}",
            "{\"peer_id\":\"bafzaajaiaejca\",\"relation\":2}",
            "{\"stream_address\":\"/ip4/10.0.0.2/tcp/4001/p2p/abc\",\"relation\":2}"})
    void peerIdsThatAreNoLibp2pIdsAreNotStored(String peer) {
        PropagationException e = assertThrows(PropagationException.class,
                () -> sync.applyCreate(natsBody("oc-peer", 9, peer)));
        assertEquals(Reason.INVALID_PEER_ID, e.getReason());
        assertEquals(List.of(), directory.all());
    }

    @Test
    void aCidPeerIdIsStoredInTheBase58FormNoiseAuthenticates() {
        String peer = newPeerId();
        String cid = PeerId.fromString(peer).toCid();
        assertTrue(sync.applyCreate(natsBody("oc-peer", 9, "{\"peer_id\":\"" + cid + "\",\"relation\":2}")));
        assertEquals(Relation.PARTNER, directory.findByPeerId(peer).relation());
        assertTrue(sync.applyRemove(natsBody("oc-peer", 9, "{\"peer_id\":\"" + cid + "\"}")));
        assertNull(directory.findByPeerId(peer));
    }

    @Test
    void aRecordStoredBeforeIdsWereCheckedCanStillBeRemoved() {
        directory.upsert(new PeerRecord("abc", null, null, Relation.PARTNER, null, null));
        assertTrue(sync.applyRemove(natsBody("oc-peer", 9, "{\"peer_id\":\"abc\"}")));
        assertEquals(List.of(), directory.all());
    }

    @Test
    void badSeedEntriesAreRefusedWithALogLineAndTheOthersSeeded(@TempDir Path dir) throws Exception {
        String first = newPeerId();
        String second = newPeerId();
        Path file = dir.resolve("peers.json");
        Files.writeString(file, "[{\"peer_id\":\"" + first + "\",\"relation\":\"PARTNER\"},"
                + "{\"peer_id\":\"abc\",\"relation\":\"PARTNER\"},"
                + "{\"name\":\"no id\"},"
                + "{\"peer_id\":\"" + newPeerId() + "\",\"relation\":4294967298},"
                + "{\"peer_id\":\"" + second + "\",\"relation\":\"PARTNER\"}]");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger(PeerDirectorySync.class);
        logger.addAppender(log);
        try {
            assertEquals(2, sync.seed(file));
        } finally {
            logger.detachAppender(log);
        }
        assertEquals(Set.of(first, second), directory.partners().stream().map(PeerRecord::peerId).collect(Collectors.toSet()));
        List<String> refusals = log.list.stream().filter(event -> event.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(3, refusals.size(), refusals.toString());
        assertTrue(refusals.get(0).contains("entry 2 of 5 not seeded: INVALID_PEER_ID: peer id \"abc\""), refusals.get(0));
        assertTrue(refusals.get(1).contains("entry 3 of 5 not seeded: MISSING_FIELD"), refusals.get(1));
        assertTrue(refusals.get(2).contains("entry 4 of 5 not seeded: UNKNOWN_RELATION"), refusals.get(2));
    }
}
