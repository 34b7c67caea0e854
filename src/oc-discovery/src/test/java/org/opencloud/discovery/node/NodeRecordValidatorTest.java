package org.opencloud.discovery.node;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.record.InvalidRecordException;
import org.opencloud.discovery.p2p.record.RoutingRecord;
import org.opencloud.discovery.p2p.record.SignedEnvelope;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.TolerantJson;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.directory.Relation;
import org.opencloud.discovery.propagation.directory.SignedNodeRecords;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The DHT's /node/ namespace: a peer's record only under its own key, the newest of several wins. */
class NodeRecordValidatorTest {
    private final SignedNodeRecords records = new SignedNodeRecords(new TolerantJson(CodecTable.defaults()),
            Clock.systemUTC(), Duration.ofHours(1));
    private final NodeRecordValidator validator = new NodeRecordValidator(records);
    private final PrivateKey key = PrivateKey.generate();

    @Test
    void aRecordIsValidUnderItsOwnKeyOnly() {
        byte[] record = sealed(key, 1);
        validator.validate(NodeRecordValidator.key(key.peerId().toString()), record);
        String other = NodeRecordValidator.key(PrivateKey.generate().peerId().toString());
        assertThrows(InvalidRecordException.class, () -> validator.validate(other, record));
        assertThrows(InvalidRecordException.class, () -> validator.validate(other, new byte[] {1, 2}));
    }

    @Test
    void theNewestOfSeveralRecordsIsSelected() {
        byte[] older = sealed(key, 1);
        byte[] newer = sealed(key, 2);
        String peerKey = NodeRecordValidator.key(key.peerId().toString());
        assertEquals(1, validator.select(peerKey, List.of(older, newer)));
        assertEquals(0, validator.select(peerKey, List.of(newer, older)));
    }

    /** A record whose libp2p part has sequence number {@code seq}. */
    private byte[] sealed(PrivateKey signer, long seq) {
        PeerRecord self = new PeerRecord(signer.peerId().toString(), List.of(), null, Relation.SELF, "n", null);
        byte[] libp2p = new RoutingRecord(signer.peerId(), seq, List.of(Multiaddr.of("/ip4/127.0.0.1/tcp/4001")))
                .seal(signer).toBytes();
        return records.seal(self, libp2p, Duration.ofMinutes(2), (d, t, p) -> SignedEnvelope.seal(signer, d, t, p));
    }
}
