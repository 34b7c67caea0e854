package org.opencloud.discovery.propagation.directory;

import com.fasterxml.jackson.databind.JsonNode;
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
 * when that is a libp2p peer id; addresses from {@code stream_address} (a string or a list)
 * or {@code addresses}; {@code public_key}; {@code relation} (name or number, absent = NONE);
 * {@code name}; {@code did}. Other fields, such as {@code state}, are ignored.
 */
public final class PeerJsonMapper {

    private final TolerantJson json;

    public PeerJsonMapper(TolerantJson json) {
        this.json = json;
    }

    /** A record from one peer object; MISSING_FIELD without a peer id, UNKNOWN_RELATION on a bad relation. */
    public PeerRecord fromJson(JsonNode peer) {
        json.asObject(peer, "peer");
        List<String> addresses = addresses(peer);
        String peerId = peerId(peer, addresses);
        if (peerId == null) {
            throw new PropagationException(Reason.MISSING_FIELD, "peer has no peer id");
        }
        String relation = json.enumName(peer, "peer.relation", EnumKind.RELATION, Reason.UNKNOWN_RELATION);
        return new PeerRecord(peerId, addresses, json.text(peer, "peer.publicKey"),
                relation == null ? Relation.NONE : Relation.valueOf(relation),
                json.text(peer, "peer.name"), json.text(peer, "peer.did"));
    }

    /** Records from a JSON array of peers (a single object counts as a list of one). */
    public List<PeerRecord> fromJsonList(JsonNode peers) {
        List<PeerRecord> records = new ArrayList<>();
        if (peers.isArray()) {
            peers.forEach(peer -> records.add(fromJson(peer)));
        } else {
            records.add(fromJson(peers));
        }
        return records;
    }

    /** The peer id a peer object names, or null. */
    public String peerId(JsonNode peer) {
        return peerId(peer, addresses(peer));
    }

    private String peerId(JsonNode peer, List<String> addresses) {
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
        return objectId != null && isPeerId(objectId) ? objectId : null;
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

    private static boolean isPeerId(String text) {
        try {
            PeerId.fromString(text);
            return true;
        } catch (Libp2pException | IllegalArgumentException e) {
            return false;
        }
    }
}
