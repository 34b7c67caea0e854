package org.opencloud.discovery.propagation.directory;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.record.RoutingRecord;
import org.opencloud.discovery.p2p.record.SignedEnvelope;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.TolerantJson;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A node's signed record round-trips, and a bad signature, another peer's key or record, or an expiry is refused. */
class SignedNodeRecordsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration LIFETIME = Duration.ofMinutes(2);
    private static final TolerantJson JSON = new TolerantJson(CodecTable.defaults());
    private static final List<Multiaddr> ADDRESSES = List.of(Multiaddr.of("/ip4/127.0.0.1/tcp/4001"));

    private final PrivateKey key = PrivateKey.generate();
    private final PeerRecord self = new PeerRecord(key.peerId().toString(), List.of(), null, Relation.SELF, "node-a",
            "did:oc:node-a");

    @Test
    void aSealedRecordOpensToThePeerItsKeyAndItsAddresses() {
        SignedNodeRecords.NodeRecord opened = at(NOW.plusSeconds(60)).open(sealed(key, self));
        assertEquals(key.peerId().toString(), opened.peer().peerId());
        assertEquals(List.of("/ip4/127.0.0.1/tcp/4001"), opened.peer().addresses());
        assertEquals(Base64.getEncoder().encodeToString(key.publicKey().toProtobuf()), opened.peer().publicKey());
        assertEquals("node-a", opened.peer().name());
        assertEquals("did:oc:node-a", opened.peer().did());
        assertEquals(Relation.NONE, opened.peer().relation(), "the reader decides relations");
        assertEquals(NOW.plus(LIFETIME), opened.expiry());
    }

    @Test
    void aChangedByteBreaksTheSignature() {
        byte[] record = sealed(key, self);
        record[record.length - 1] ^= 1;
        assertRefused(record, NOW);
    }

    @Test
    void aRecordSignedByAnotherKeyOrCarryingAnotherPeersLibp2pRecordIsRefused() {
        PrivateKey other = PrivateKey.generate();
        byte[] libp2p = RoutingRecord.of(key, ADDRESSES).seal(key).toBytes();
        byte[] signedByOther = at(NOW).seal(self, libp2p, LIFETIME, sealer(other));
        assertRefused(signedByOther, NOW);
        PeerRecord claimsOther = new PeerRecord(other.peerId().toString(), List.of(), null, Relation.SELF, "x", null);
        assertRefused(sealed(other, claimsOther, libp2p), NOW);
    }

    @Test
    void anExpiredRecordOrOneThatWouldLiveTooLongIsRefused() {
        byte[] record = sealed(key, self);
        assertRefused(record, NOW.plus(LIFETIME).plusSeconds(1));
        byte[] forEver = at(NOW).seal(self, RoutingRecord.of(key, ADDRESSES).seal(key).toBytes(), Duration.ofDays(365),
                sealer(key));
        assertRefused(forEver, NOW);
    }

    @Test
    void garbageIsRefused() {
        assertRefused(new byte[] {1, 2, 3}, NOW);
        byte[] notJson = SignedEnvelope.seal(key, SignedNodeRecords.DOMAIN, new byte[] {(byte) 0x80, 0x04},
                new byte[] {'{'}).toBytes();
        assertRefused(notJson, NOW);
    }

    @Test
    void theNewerOfTwoRecordsIsTheOneWithTheHigherSequence() {
        SignedNodeRecords.NodeRecord older = at(NOW).open(sealed(key, self));
        SignedNodeRecords.NodeRecord newer = new SignedNodeRecords.NodeRecord(older.peer(), older.seq() + 1, older.expiry());
        assertSame(newer, older.newer(newer));
        assertSame(newer, newer.newer(older));
    }

    private static byte[] sealed(PrivateKey key, PeerRecord self) {
        return sealed(key, self, RoutingRecord.of(key, ADDRESSES).seal(key).toBytes());
    }

    private static byte[] sealed(PrivateKey signer, PeerRecord self, byte[] libp2p) {
        return at(NOW).seal(self, libp2p, LIFETIME, sealer(signer));
    }

    private static SignedNodeRecords.Sealer sealer(PrivateKey key) {
        return (domain, type, payload) -> SignedEnvelope.seal(key, domain, type, payload);
    }

    private static SignedNodeRecords at(Instant now) {
        return new SignedNodeRecords(JSON, Clock.fixed(now, ZoneOffset.UTC), Duration.ofHours(1));
    }

    private static void assertRefused(byte[] record, Instant now) {
        PropagationException refused = assertThrows(PropagationException.class, () -> at(now).open(record));
        assertEquals(Reason.INVALID_RECORD, refused.getReason(), refused.getMessage());
    }
}
