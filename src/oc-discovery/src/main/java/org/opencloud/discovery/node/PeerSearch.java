package org.opencloud.discovery.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.PropagationRequest;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerJsonMapper;
import org.opencloud.discovery.propagation.directory.PeerRecord;

import java.util.Optional;

/**
 * PB_SEARCH of DataType PEER ({@code ref: peerSearch}): the peer named by the search text (a peer id, or a
 * name or DID this node knows) as a SEARCH_EVENT for the local apps; when nobody matches, a SEARCH_EVENT that
 * says so, with the search text, never silence.
 */
public final class PeerSearch {
    static final String DATA_TYPE = "PEER";

    private final PeerDirectory directory;
    private final PeerJsonMapper peers;
    private final PropagationCodec codec;

    PeerSearch(PeerDirectory directory, PeerJsonMapper peers, PropagationCodec codec) {
        this.directory = directory;
        this.peers = peers;
        this.codec = codec;
    }

    /** The SEARCH_EVENT body answering {@code request}. */
    public byte[] search(PropagationRequest request) {
        String text = request.searchText() == null ? "" : request.searchText().trim();
        return find(text)
                .map(peer -> codec.encodeNatsMessage(DATA_TYPE, request.user(), peers.toJson(peer).toString()))
                .orElseGet(() -> codec.encodeNatsMessage(DATA_TYPE, request.user(), notFound(text)));
    }

    private Optional<PeerRecord> find(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (isPeerId(text)) {
            return Optional.ofNullable(directory.findByPeerId(text));
        }
        return directory.all().stream().filter(p -> text.equals(p.name()) || text.equals(p.did())).findFirst();
    }

    private String notFound(String text) {
        ObjectNode answer = codec.tolerantJson().mapper().createObjectNode();
        codec.tolerantJson().putText(answer, "search.text", text);
        codec.tolerantJson().putBoolean(answer, "search.found", false);
        return answer.toString();
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
