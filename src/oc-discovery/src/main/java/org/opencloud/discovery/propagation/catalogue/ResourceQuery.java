package org.opencloud.discovery.propagation.catalogue;

/**
 * What a searching peer asked for.
 *
 * @param dataType  canonical data type name (COMPUTE_RESOURCE ...)
 * @param text      the search text, matched case-insensitively as a part of a searched field; empty matches all
 * @param requester the searching peer's id: resources shared with it match besides public ones
 * @param self      this node's peer id: only resources it created match
 * @param limit     the most resources answered
 */
public record ResourceQuery(String dataType, String text, String requester, String self, int limit) {
    public ResourceQuery {
        text = text == null ? "" : text;
        if (limit < 0) {
            throw new IllegalArgumentException("a negative limit");
        }
    }
}
