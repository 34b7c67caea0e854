package org.opencloud.discovery.p2p.protocol.kad;

import java.util.List;

/** Takes any value, of several the first: for a test's own record namespace, or a liar's store. */
public final class AnyValueValidator implements RecordValidator {
    @Override
    public void validate(String key, byte[] value) {
    }

    @Override
    public int select(String key, List<byte[]> values) {
        return 0;
    }
}
