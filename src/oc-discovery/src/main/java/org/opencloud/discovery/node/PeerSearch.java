package org.opencloud.discovery.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.PropagationRequest;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerJsonMapper;
import org.opencloud.discovery.propagation.directory.PeerRecord;

import java.time.Duration;
import java.util.Optional;

/**
 * PB_SEARCH of DataType PEER ({@code ref: peerSearch}): the peer named by the search text (a peer id, or a
 * name or DID this node knows) as a SEARCH_EVENT for the local apps, from the directory, else, for a peer id,
 * from its signed record on the DHT; when nobody matches in time, a SEARCH_EVENT that says so, with the search
 * text, never silence.
 */
public final class PeerSearch {
    static final String DATA_TYPE = "PEER";

    private final PeerDirectory directory;
    private final PeerJsonMapper peers;
    private final PropagationCodec codec;
    private final NodeRecordPublisher network;
    private final Duration timeout;

    /** @param network where a peer id the directory does not know is looked up, for at most {@code timeout} */
    PeerSearch(PeerDirectory directory, PeerJsonMapper peers, PropagationCodec codec, NodeRecordPublisher network,
               Duration timeout) {
        this.directory = directory;
        this.peers = peers;
        this.codec = codec;
        this.network = network;
        this.timeout = timeout;
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
        String peerId = PeerJsonMapper.canonicalPeerId(text);
        if (peerId != null) {
            PeerRecord known = directory.findByPeerId(peerId);
            return known != null ? Optional.of(known) : network.find(peerId, timeout);
        }
        return directory.all().stream().filter(p -> text.equals(p.name()) || text.equals(p.did())).findFirst();
    }

    private String notFound(String text) {
        ObjectNode answer = codec.tolerantJson().mapper().createObjectNode();
        codec.tolerantJson().putText(answer, "search.text", text);
        codec.tolerantJson().putBoolean(answer, "search.found", false);
        return answer.toString();
    }
}
