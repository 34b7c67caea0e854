package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.record.InvalidRecordException;

import java.util.List;

/** Decides which values of one key namespace are valid and which of several is best (go's Validator). */
public interface RecordValidator {
    /** Throws an {@link InvalidRecordException} when {@code value} is not valid (now) under {@code key}. */
    void validate(String key, byte[] value);

    /** The index of the best of {@code values}, all valid under {@code key} and at least one. */
    int select(String key, List<byte[]> values);
}
