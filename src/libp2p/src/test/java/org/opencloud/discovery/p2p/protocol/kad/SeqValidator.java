package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.record.InvalidRecordException;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test records {@code <seq>:<text>}: valid when seq is a number, the highest seq wins. */
final class SeqValidator implements RecordValidator {
    static byte[] value(long seq, String text) {
        return (seq + ":" + text).getBytes(StandardCharsets.UTF_8);
    }

    static long seq(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        int colon = s.indexOf(':');
        try {
            return Long.parseLong(colon < 0 ? s : s.substring(0, colon));
        } catch (NumberFormatException e) {
            throw new InvalidRecordException("not a <seq>:<text> record");
        }
    }

    @Override
    public void validate(String key, byte[] value) {
        seq(value);
    }

    @Override
    public int select(String key, List<byte[]> values) {
        int best = 0;
        for (int i = 1; i < values.size(); i++) {
            if (seq(values.get(i)) > seq(values.get(best))) {
                best = i;
            }
        }
        return best;
    }
}
