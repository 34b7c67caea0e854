package org.opencloud.discovery.node;

import org.opencloud.discovery.p2p.protocol.kad.RecordValidator;
import org.opencloud.discovery.p2p.record.InvalidRecordException;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.directory.SignedNodeRecords;
import org.opencloud.discovery.propagation.directory.SignedNodeRecords.NodeRecord;

import java.util.List;

/**
 * The DHT's rule for keys {@code /node/<peer id>}: the value is that peer's signed node record, valid now
 * ({@link SignedNodeRecords}); of several, the newest (highest sequence) wins.
 */
final class NodeRecordValidator implements RecordValidator {
    static final String NAMESPACE = "node";
    private static final String PREFIX = "/" + NAMESPACE + "/";

    private final SignedNodeRecords records;

    NodeRecordValidator(SignedNodeRecords records) {
        this.records = records;
    }

    static String key(String peerId) {
        return PREFIX + peerId;
    }

    @Override
    public void validate(String key, byte[] value) {
        open(key, value);
    }

    @Override
    public int select(String key, List<byte[]> values) {
        int best = 0;
        NodeRecord newest = open(key, values.get(0));
        for (int i = 1; i < values.size(); i++) {
            NodeRecord candidate = open(key, values.get(i));
            if (newest.newer(candidate) == candidate && candidate != newest) {
                newest = candidate;
                best = i;
            }
        }
        return best;
    }

    NodeRecord open(String key, byte[] value) {
        try {
            NodeRecord record = records.open(value);
            if (!key.equals(key(record.peer().peerId()))) {
                throw new InvalidRecordException("the record of " + record.peer().peerId() + " under " + key);
            }
            return record;
        } catch (PropagationException e) {
            throw new InvalidRecordException(e.getMessage(), e);
        }
    }
}
