package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.record.InvalidRecordException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The validators by namespace: key {@code /node/<id>} belongs to namespace {@code node}. A key of no registered
 * namespace is refused, as go and js refuse them, so a DHT node stores only what its application understands.
 */
public final class RecordValidators {
    private final Map<String, RecordValidator> byNamespace = new ConcurrentHashMap<>();

    public RecordValidators register(String namespace, RecordValidator validator) {
        if (namespace.isEmpty() || namespace.contains("/")) {
            throw new IllegalArgumentException("a namespace is one non-empty path segment: " + namespace);
        }
        byNamespace.put(namespace, validator);
        return this;
    }

    /** The key as text, checked to be {@code /namespace/rest} of a registered namespace. */
    String keyText(byte[] key) {
        String text = new String(key, StandardCharsets.UTF_8);
        validatorOf(text);
        return text;
    }

    /** Checks {@code value} under {@code key}; an {@link InvalidRecordException} says why not. */
    void validate(byte[] key, byte[] value) {
        String text = new String(key, StandardCharsets.UTF_8);
        validatorOf(text).validate(text, value);
    }

    /** The index of the best of {@code values}, all already valid under {@code key}. */
    int select(byte[] key, List<byte[]> values) {
        String text = new String(key, StandardCharsets.UTF_8);
        int best = validatorOf(text).select(text, values);
        if (best < 0 || best >= values.size()) {
            throw new IllegalStateException("selector of " + text + " chose " + best + " of " + values.size());
        }
        return best;
    }

    private RecordValidator validatorOf(String key) {
        int end = key.indexOf('/', 1);
        if (!key.startsWith("/") || end < 2) {
            throw new InvalidRecordException("key " + abbreviate(key) + " is not /namespace/...");
        }
        RecordValidator v = byNamespace.get(key.substring(1, end));
        if (v == null) {
            throw new InvalidRecordException("no validator for the namespace of " + abbreviate(key));
        }
        return v;
    }

    private static String abbreviate(String key) {
        return key.length() <= 80 ? key : key.substring(0, 80) + "...";
    }
}
