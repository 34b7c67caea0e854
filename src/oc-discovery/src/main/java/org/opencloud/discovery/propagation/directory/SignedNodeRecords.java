package org.opencloud.discovery.propagation.directory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.record.InvalidRecordException;
import org.opencloud.discovery.p2p.record.RoutingRecord;
import org.opencloud.discovery.p2p.record.SignedEnvelope;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.TolerantJson;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * The record a node publishes about itself (the DHT's {@code /node/<peer id>}): a JSON object in the codec
 * table's names with its OpenCloud fields (name, DID), its libp2p signed peer record (RFC 0003: peer id and
 * addresses, as go and js sign it) and an expiry, the whole signed by the node's identity key in a signed
 * envelope (RFC 0002) of domain {@value #DOMAIN}. What a reader may trust of it: the peer, its key, its
 * addresses, its name and DID, until the expiry. Anything else is refused with INVALID_RECORD.
 */
public final class SignedNodeRecords {
    public static final String DOMAIN = "opencloud-node-record";
    /** The json multicodec (0x0200) as a varint: the envelope's payload is JSON. */
    private static final byte[] PAYLOAD_TYPE = {(byte) 0x80, 0x04};

    /** Signs a payload with the node's identity (the libp2p host: the key never leaves it). */
    public interface Sealer {
        SignedEnvelope seal(String domain, byte[] payloadType, byte[] payload);
    }

    private final TolerantJson json;
    private final PeerJsonMapper peers;
    private final Clock clock;
    private final Duration maxLifetime;

    /** @param maxLifetime how far ahead an accepted record may expire: a longer one is refused, not kept for ever */
    public SignedNodeRecords(TolerantJson json, Clock clock, Duration maxLifetime) {
        this.json = json;
        this.peers = new PeerJsonMapper(json);
        this.clock = clock;
        this.maxLifetime = maxLifetime;
    }

    /**
     * This node's record: {@code self}'s name and DID, the addresses of {@code signedPeerRecord}, valid for
     * {@code lifetime} from now, signed by {@code sealer}.
     */
    public byte[] seal(PeerRecord self, byte[] signedPeerRecord, Duration lifetime, Sealer sealer) {
        RoutingRecord libp2p = RoutingRecord.open(signedPeerRecord);
        ObjectNode record = peers.toJson(new PeerRecord(libp2p.peerId().toString(),
                libp2p.addresses().stream().map(Multiaddr::toString).toList(), null, Relation.NONE, self.name(), self.did()));
        record.remove(json.table().fieldNames("peer.relation").get(0)); // a reader decides its relations
        json.putText(record, "record.expiry", clock.instant().plus(lifetime).toString());
        json.putText(record, "record.peerRecord", Base64.getEncoder().encodeToString(signedPeerRecord));
        return sealer.seal(DOMAIN, PAYLOAD_TYPE, json.write(record)).toBytes();
    }

    /**
     * The peer of a received record, checked: signed for {@value #DOMAIN} by the key of the peer it names, whose
     * libp2p record it carries, not expired and not expiring beyond the maximum lifetime. Its addresses are those
     * of the libp2p record; its relation is NONE.
     */
    public NodeRecord open(byte[] value) {
        try {
            SignedEnvelope envelope = SignedEnvelope.open(value, DOMAIN);
            PeerId signer = PeerId.fromPublicKey(envelope.signer());
            ObjectNode record = json.parseObject(envelope.payload(), "node record");
            RoutingRecord libp2p = RoutingRecord.open(Base64.getDecoder().decode(required(record, "record.peerRecord")));
            if (!libp2p.peerId().equals(signer) || !signer.toString().equals(peers.peerId(record))) {
                throw invalid("the record of " + peers.peerId(record) + " is signed by " + signer);
            }
            Instant expiry = Instant.parse(required(record, "record.expiry"));
            Instant now = clock.instant();
            if (!expiry.isAfter(now) || expiry.isAfter(now.plus(maxLifetime))) {
                throw invalid("the record of " + signer + " expires at " + expiry + ", outside (" + now + ", +"
                        + maxLifetime + "]");
            }
            PeerRecord peer = new PeerRecord(signer.toString(), libp2p.addresses().stream().map(Multiaddr::toString)
                    .toList(), Base64.getEncoder().encodeToString(envelope.signer().toProtobuf()), Relation.NONE,
                    json.text(record, "peer.name"), json.text(record, "peer.did"));
            return new NodeRecord(peer, libp2p.seq(), expiry);
        } catch (PropagationException e) { // a record that is not even JSON is INVALID_RECORD too
            throw e.getReason() == Reason.INVALID_RECORD ? e : invalid(e.getMessage());
        } catch (InvalidRecordException | DateTimeParseException | IllegalArgumentException e) {
            throw invalid(e.getMessage());
        } catch (Libp2pException e) {
            throw invalid("a bad peer id or key: " + e.getMessage());
        }
    }

    private String required(ObjectNode record, String field) {
        String value = json.text(record, field);
        if (value == null || value.isEmpty()) {
            throw invalid("a node record without " + json.table().fieldNames(field).get(0));
        }
        return value;
    }

    private static PropagationException invalid(String message) {
        return new PropagationException(Reason.INVALID_RECORD, "node record refused: " + message);
    }

    /**
     * A checked node record.
     *
     * @param seq    the libp2p record's sequence number: of two valid records of a peer, the higher wins
     * @param expiry after this, the record is no longer valid
     */
    public record NodeRecord(PeerRecord peer, long seq, Instant expiry) {
        /** Keeps {@code this} or {@code other}, whichever is newer (DHT selector). */
        public NodeRecord newer(NodeRecord other) {
            return other.seq > seq ? other : this;
        }
    }
}
