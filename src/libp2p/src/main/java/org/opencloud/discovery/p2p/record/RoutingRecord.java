package org.opencloud.discovery.p2p.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.record.pb.RecordProto;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer's signed statement of where it listens (libp2p RFC 0003 "peer record"): its peer id, a sequence
 * number that grows with each new record (the newest wins), and its addresses. Sent inside a
 * {@link SignedEnvelope} of domain {@value #DOMAIN} and payload type {@code 0x0301}, as go and js deploy it
 * (the RFC's text names another domain that no implementation uses).
 *
 * @param peerId    whose record it is; {@link #open} checks it is the signer's
 * @param seq       go and js use the Unix time in nanoseconds
 * @param addresses where the peer listens
 */
public record RoutingRecord(PeerId peerId, long seq, List<Multiaddr> addresses) {
    public static final String DOMAIN = "libp2p-peer-record";
    private static final byte[] PAYLOAD_TYPE = {0x03, 0x01};
    /** More than any peer listens on; a record naming more is refused rather than stored. */
    public static final int MAX_ADDRESSES = 64;

    public RoutingRecord {
        addresses = List.copyOf(addresses);
    }

    /** This peer's record now, sequence number from the clock (nanoseconds, as go-libp2p does). */
    public static RoutingRecord of(PrivateKey key, List<Multiaddr> addresses) {
        Instant now = Instant.now();
        return new RoutingRecord(key.peerId(), now.getEpochSecond() * 1_000_000_000L + now.getNano(), addresses);
    }

    /** Signed with {@code key}, which must be this record's peer's. */
    public SignedEnvelope seal(PrivateKey key) {
        if (!key.peerId().equals(peerId)) {
            throw new IllegalArgumentException("a record of " + peerId + " cannot be signed by " + key.peerId());
        }
        RecordProto.PeerRecord.Builder record = RecordProto.PeerRecord.newBuilder()
                .setPeerId(ByteString.copyFrom(peerId.toBytes())).setSeq(seq);
        for (Multiaddr address : addresses) {
            record.addAddresses(RecordProto.PeerRecord.AddressInfo.newBuilder()
                    .setMultiaddr(ByteString.copyFrom(address.toBytes())));
        }
        return SignedEnvelope.seal(key, DOMAIN, PAYLOAD_TYPE, record.build().toByteArray());
    }

    /**
     * The record inside a received envelope: signed for {@value #DOMAIN}, of the peer-record type, by the key of
     * the peer it names, with at most {@value #MAX_ADDRESSES} well-formed addresses; otherwise an
     * {@link InvalidRecordException}.
     */
    public static RoutingRecord open(byte[] envelopeBytes) {
        SignedEnvelope envelope = SignedEnvelope.open(envelopeBytes, DOMAIN);
        if (!envelope.hasPayloadType(PAYLOAD_TYPE)) {
            throw new InvalidRecordException("signed envelope of " + envelope.signer() + " holds no peer record");
        }
        RoutingRecord record = decode(envelope.payload());
        if (!record.peerId().equals(PeerId.fromPublicKey(envelope.signer()))) {
            throw new InvalidRecordException("peer record of " + record.peerId() + " signed by " + envelope.signer());
        }
        return record;
    }

    private static RoutingRecord decode(byte[] payload) {
        try {
            RecordProto.PeerRecord record = RecordProto.PeerRecord.parseFrom(payload);
            if (record.getAddressesCount() > MAX_ADDRESSES) {
                throw new InvalidRecordException("a peer record names " + record.getAddressesCount()
                        + " addresses, limit " + MAX_ADDRESSES);
            }
            List<Multiaddr> addresses = new ArrayList<>();
            for (RecordProto.PeerRecord.AddressInfo info : record.getAddressesList()) {
                addresses.add(Multiaddr.fromBytes(info.getMultiaddr().toByteArray()));
            }
            return new RoutingRecord(PeerId.fromBytes(record.getPeerId().toByteArray()), record.getSeq(), addresses);
        } catch (InvalidRecordException e) {
            throw e;
        } catch (InvalidProtocolBufferException | Libp2pException e) { // a bad peer id or address
            throw new InvalidRecordException("malformed peer record: " + e.getMessage(), e);
        }
    }
}
