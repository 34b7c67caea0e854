package org.opencloud.discovery.propagation.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.CodecTable.EnumKind;
import org.opencloud.discovery.propagation.codec.TolerantJson;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads peer records from the peer JSON that oc-lib apps publish and from the peers file,
 * with the {@code field.peer.*} names of the codec table. Mapping:
 * peer id from {@code peer_id}, else the {@code /p2p/} part of an address, else {@code id}
 * when that is a libp2p peer id, stored in its base58btc form (what Noise authenticates and the
 * directory is searched by); addresses from {@code stream_address} (a string or a list)
 * or {@code addresses}; {@code public_key}; {@code relation} (name or number, absent = NONE);
 * {@code name}; {@code did}. Other fields, such as {@code state}, are ignored.
 */
public final class PeerJsonMapper {

    private final TolerantJson json;

    public PeerJsonMapper(TolerantJson json) {
        this.json = json;
    }

    /**
     * A record from one peer object; MISSING_FIELD without a peer id, INVALID_PEER_ID when it is no
     * libp2p peer id (such a record would be dialled and reported undelivered for ever),
     * UNKNOWN_RELATION on a bad relation.
     */
    public PeerRecord fromJson(JsonNode peer) {
        json.asObject(peer, "peer");
        List<String> addresses = addresses(peer);
        String claimed = claimedPeerId(peer, addresses);
        if (claimed == null) {
            throw new PropagationException(Reason.MISSING_FIELD, "peer has no peer id");
        }
        String peerId = canonicalPeerId(claimed);
        if (peerId == null) {
            throw new PropagationException(Reason.INVALID_PEER_ID,
                    "peer id \"" + claimed + "\" is not a libp2p peer id (base58btc or CIDv1)");
        }
        String relation = json.enumName(peer, "peer.relation", EnumKind.RELATION, Reason.UNKNOWN_RELATION);
        return new PeerRecord(peerId, addresses, json.text(peer, "peer.publicKey"),
                relation == null ? Relation.NONE : Relation.valueOf(relation),
                json.text(peer, "peer.name"), json.text(peer, "peer.did"));
    }

    /** The peer object of {@code record}, in the codec table's written names and forms. */
    public ObjectNode toJson(PeerRecord record) {
        ObjectNode peer = json.mapper().createObjectNode();
        json.putText(peer, "peer.id", record.peerId());
        json.putText(peer, "peer.name", record.name());
        json.putText(peer, "peer.did", record.did());
        json.putTextList(peer, "peer.addresses", record.addresses());
        json.putText(peer, "peer.publicKey", record.publicKey());
        json.putEnum(peer, "peer.relation", EnumKind.RELATION, record.relation().name());
        return peer;
    }

    /**
     * The peer id a peer object names, in base58btc when it parses, else as given (so that a record
     * stored before ids were checked can still be removed); null when it names none.
     */
    public String peerId(JsonNode peer) {
        String claimed = claimedPeerId(peer, addresses(peer));
        String canonical = claimed == null ? null : canonicalPeerId(claimed);
        return canonical != null ? canonical : claimed;
    }

    private String claimedPeerId(JsonNode peer, List<String> addresses) {
        String explicit = json.text(peer, "peer.id");
        if (explicit != null && !explicit.isBlank()) {
            return explicit.trim();
        }
        for (String address : addresses) {
            String fromAddress = p2pComponent(address);
            if (fromAddress != null) {
                return fromAddress;
            }
        }
        String objectId = json.text(peer, "peer.objectId");
        return objectId != null && canonicalPeerId(objectId) != null ? objectId : null;
    }

    private List<String> addresses(JsonNode peer) {
        JsonNode value = json.field(peer, "peer.addresses");
        List<String> addresses = new ArrayList<>();
        if (value != null && value.isArray()) {
            value.forEach(a -> addIfText(addresses, a));
        } else if (value != null) {
            addIfText(addresses, value);
        }
        return addresses;
    }

    private static void addIfText(List<String> addresses, JsonNode value) {
        if (value.isTextual() && !value.asText().isBlank()) {
            addresses.add(value.asText().trim());
        }
    }

    /** The id after {@code /p2p/} (or the legacy {@code /ipfs/}) in a multiaddr, or null. */
    private static String p2pComponent(String multiaddr) {
        String[] parts = multiaddr.split("/");
        for (int i = 0; i + 1 < parts.length; i++) {
            if ((parts[i].equals("p2p") || parts[i].equals("ipfs")) && !parts[i + 1].isEmpty()) {
                return parts[i + 1];
            }
        }
        return null;
    }

    /** {@code text} as a base58btc peer id (the directory's key) when it parses as a libp2p peer id; else null. */
    public static String canonicalPeerId(String text) {
        try {
            return PeerId.fromString(text).toString();
        } catch (Libp2pException | IllegalArgumentException e) {
            return null;
        }
    }
}
