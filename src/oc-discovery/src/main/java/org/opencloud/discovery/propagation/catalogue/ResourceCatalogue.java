package org.opencloud.discovery.propagation.catalogue;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Where a node finds the resources it shows a searching peer: those of the requested data type that this node
 * created itself, that are public or shared with the requester, and whose searched fields contain the text. The
 * node's own store also follows what the node propagates ({@link #upsert}, {@link #remove}); a catalogue kept by
 * others (an oc-lib database) ignores those. Implementations are thread-safe.
 */
public interface ResourceCatalogue extends AutoCloseable {

    /**
     * A resource this node propagates with PB_CREATE or PB_UPDATE, kept under its data type and id: its fields read
     * from {@code resource} (as the event's decoding parsed it, not parsed again), its JSON kept as {@code resourceJson}.
     *
     * @return false when it was not kept (no id, or a catalogue this node does not write)
     */
    boolean upsert(String dataType, JsonNode resource, String resourceJson);

    /**
     * A resource this node propagates with PB_DELETE, forgotten (found by the id in {@code resource}).
     *
     * @return true when a kept resource was removed
     */
    boolean remove(String dataType, JsonNode resource);

    /** The matching resources' JSON, at most {@link ResourceQuery#limit()} of them. */
    List<String> search(ResourceQuery query);

    /** Where the resources are, for logs; never a credential. */
    String describe();

    @Override
    void close();
}
