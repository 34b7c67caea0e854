package org.opencloud.discovery.node;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The targets of one event that did not get it after their retries, filled by the split's parallel
 * deliveries (each holds this same object in its exchange property {@code OcUndelivered}).
 */
public final class UndeliveredTargets {
    private final Map<String, String> errors = new ConcurrentSkipListMap<>();

    void add(String peer, String error) {
        errors.put(peer, error);
    }

    /** How many targets did not get the event (read by the route's filter). */
    public int getCount() {
        return errors.size();
    }

    /** The targets, comma-separated (header OcErrorPeers). */
    public String getPeers() {
        return String.join(",", errors.keySet());
    }

    /** Each target with its last error, for the log. */
    String describe() {
        StringBuilder out = new StringBuilder();
        errors.forEach((peer, error) -> out.append(out.isEmpty() ? "" : "; ").append(peer).append(": ").append(error));
        return out.toString();
    }
}
