package org.opencloud.discovery.propagation.directory;

import com.fasterxml.jackson.databind.JsonNode;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.NatsEnvelope;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the directory in step with its sources: the peers file at start, then the
 * CREATE_RESOURCE / REMOVE_RESOURCE messages of DataType PEER that local apps publish.
 * Messages the node published itself are ignored: those carry peer records received from
 * other nodes, whose relations are the sender's, never a decision of this node.
 */
public final class PeerDirectorySync {

    /** Canonical data type name of peer records. */
    public static final String PEER = "PEER";

    private static final Logger LOG = LoggerFactory.getLogger(PeerDirectorySync.class);

    private final PeerDirectory directory;
    private final PropagationCodec codec;
    private final PeerJsonMapper mapper;

    public PeerDirectorySync(PeerDirectory directory, PropagationCodec codec) {
        this.directory = directory;
        this.codec = codec;
        this.mapper = new PeerJsonMapper(codec.tolerantJson());
    }

    /**
     * Upserts every peer of a JSON peers file (a list of peer objects, or one object); a missing file
     * seeds nothing. A bad entry is refused with a log line and the others are seeded: one typo
     * must not leave the node without its partners.
     *
     * @return how many records were seeded
     */
    public int seed(Path peersFile) {
        if (!Files.exists(peersFile)) {
            LOG.info("No peers file at {}: nothing to seed", peersFile);
            return 0;
        }
        String content;
        try {
            content = Files.readString(peersFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read peers file " + peersFile, e);
        }
        JsonNode peers = codec.tolerantJson().parse(content, "peers file " + peersFile);
        List<JsonNode> entries = new ArrayList<>();
        if (peers.isArray()) {
            peers.forEach(entries::add);
        } else {
            entries.add(peers);
        }
        int seeded = 0;
        for (int i = 0; i < entries.size(); i++) {
            try {
                directory.seed(mapper.fromJson(entries.get(i)));
                seeded++;
            } catch (PropagationException e) {
                LOG.error("Peers file {}: entry {} of {} not seeded: {}", peersFile, i + 1, entries.size(), e.getMessage());
            }
        }
        LOG.info("Seeded {} of {} peers from {}", seeded, entries.size(), peersFile);
        return seeded;
    }

    /**
     * Applies a CREATE_RESOURCE body: upserts the peer when its DataType is PEER.
     *
     * @return true when the directory changed; false for other data types and own messages
     */
    public boolean applyCreate(byte[] natsBody) {
        NatsEnvelope envelope = peerEnvelope(natsBody);
        if (envelope == null) {
            return false;
        }
        PeerRecord record = mapper.fromJson(codec.tolerantJson().parse(envelope.payload(), "peer"));
        directory.upsert(record);
        LOG.info("Peer {} stored with relation {} (from {})", record.peerId(), record.relation(), envelope.fromApp());
        return true;
    }

    /**
     * Applies a REMOVE_RESOURCE body: removes the peer when its DataType is PEER.
     *
     * @return true when a record was removed
     */
    public boolean applyRemove(byte[] natsBody) {
        NatsEnvelope envelope = peerEnvelope(natsBody);
        if (envelope == null) {
            return false;
        }
        String peerId = mapper.peerId(codec.tolerantJson().parse(envelope.payload(), "peer"));
        if (peerId == null) {
            throw new PropagationException(Reason.MISSING_FIELD, "removed peer has no peer id");
        }
        boolean removed = directory.remove(peerId);
        LOG.info("Peer {} {} (from {})", peerId, removed ? "removed" : "was not in the directory", envelope.fromApp());
        return removed;
    }

    /** The envelope when it is a PEER message from another app, else null. */
    private NatsEnvelope peerEnvelope(byte[] natsBody) {
        NatsEnvelope envelope = codec.decodeNatsEnvelopeFromOthers(natsBody, PEER);
        if (envelope == null) {
            return null;
        }
        if (envelope.payload() == null) {
            throw new PropagationException(Reason.MISSING_FIELD, "PEER message has no Payload");
        }
        return envelope;
    }
}
