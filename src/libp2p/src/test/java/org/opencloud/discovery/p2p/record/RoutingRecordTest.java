package org.opencloud.discovery.p2p.record;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.pb.KeysProto;
import org.opencloud.discovery.p2p.record.pb.RecordProto;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Peer records round-trip, and every way a received one can be wrong is refused. */
class RoutingRecordTest {
    private static final List<Multiaddr> ADDRESSES = List.of(Multiaddr.of("/ip4/127.0.0.1/tcp/4001"),
            Multiaddr.of("/dns4/node-b/tcp/4001"));
    private final PrivateKey key = PrivateKey.generate();

    @Test
    void aSealedRecordOpensToTheSameRecord() {
        RoutingRecord record = RoutingRecord.of(key, ADDRESSES);
        assertEquals(record, RoutingRecord.open(record.seal(key).toBytes()));
        assertTrue(record.seq() > 1_700_000_000L * 1_000_000_000L, "nanoseconds since the epoch, as go writes");
    }

    @Test
    void aChangedByteBreaksTheSignature() {
        byte[] envelope = RoutingRecord.of(key, ADDRESSES).seal(key).toBytes();
        envelope[envelope.length - 1] ^= 1;
        assertThrows(InvalidRecordException.class, () -> RoutingRecord.open(envelope));
    }

    @Test
    void anEnvelopeOfAnotherDomainOrTypeIsNoPeerRecord() {
        byte[] payload = SignedEnvelope.open(RoutingRecord.of(key, ADDRESSES).seal(key).toBytes(),
                RoutingRecord.DOMAIN).payload();
        byte[] otherDomain = SignedEnvelope.seal(key, "libp2p-routing-state", new byte[] {0x03, 0x01}, payload).toBytes();
        byte[] otherType = SignedEnvelope.seal(key, RoutingRecord.DOMAIN, new byte[] {0x03, 0x02}, payload).toBytes();
        assertThrows(InvalidRecordException.class, () -> RoutingRecord.open(otherDomain));
        assertThrows(InvalidRecordException.class, () -> RoutingRecord.open(otherType));
    }

    @Test
    void aRecordSignedByAnotherPeerIsRefused() {
        PrivateKey other = PrivateKey.generate();
        byte[] payload = SignedEnvelope.open(RoutingRecord.of(key, ADDRESSES).seal(key).toBytes(),
                RoutingRecord.DOMAIN).payload();
        byte[] forged = SignedEnvelope.seal(other, RoutingRecord.DOMAIN, new byte[] {0x03, 0x01}, payload).toBytes();
        InvalidRecordException refused = assertThrows(InvalidRecordException.class, () -> RoutingRecord.open(forged));
        assertTrue(refused.getMessage().contains("signed by"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoutingRecord.of(key, ADDRESSES).seal(other));
    }

    @Test
    void malformedAndOversizedRecordsAreRefused() {
        assertThrows(InvalidRecordException.class, () -> RoutingRecord.open(new byte[] {0x0a, 0x7f, 0x01}));
        assertThrows(InvalidRecordException.class, () -> RoutingRecord.open(new byte[0]));
        byte[] noPeerId = SignedEnvelope.seal(key, RoutingRecord.DOMAIN, new byte[] {0x03, 0x01}, new byte[] {0x10, 0x01})
                .toBytes();
        assertThrows(InvalidRecordException.class, () -> RoutingRecord.open(noPeerId));
        List<Multiaddr> many = Collections.nCopies(RoutingRecord.MAX_ADDRESSES + 1, ADDRESSES.get(0));
        byte[] tooMany = new RoutingRecord(key.peerId(), 1, many).seal(key).toBytes();
        assertThrows(InvalidRecordException.class, () -> RoutingRecord.open(tooMany));
    }

    /** Fuzzing found it: an RSA, ECDSA or secp256k1 key whose bytes are no key escaped as a plain Libp2pException. */
    @Test
    void aKeyOfAKnownTypeThatIsNoKeyIsAnInvalidRecord() {
        for (KeysProto.KeyType type : List.of(KeysProto.KeyType.RSA, KeysProto.KeyType.ECDSA, KeysProto.KeyType.Secp256k1)) {
            byte[] envelope = RecordProto.Envelope.newBuilder()
                    .setPublicKey(KeysProto.PublicKey.newBuilder().setType(type)
                            .setData(ByteString.copyFrom(new byte[] {0x30, (byte) 0x88, 1, 2})).build().toByteString())
                    .setPayloadType(ByteString.copyFrom(new byte[] {0x03, 0x01}))
                    .setPayload(ByteString.copyFromUtf8("payload"))
                    .setSignature(ByteString.copyFrom(new byte[64])).build().toByteArray();
            assertThrows(InvalidRecordException.class, () -> SignedEnvelope.open(envelope, RoutingRecord.DOMAIN), type::name);
        }
        byte[] emptySecp256k1 = RecordProto.Envelope.newBuilder()
                .setPublicKey(KeysProto.PublicKey.newBuilder().setType(KeysProto.KeyType.Secp256k1)
                        .setData(ByteString.EMPTY).build().toByteString())
                .setSignature(ByteString.copyFrom(new byte[70])).build().toByteArray();
        assertThrows(InvalidRecordException.class, () -> SignedEnvelope.open(emptySecp256k1, RoutingRecord.DOMAIN));
    }
}
