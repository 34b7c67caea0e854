package org.opencloud.discovery.propagation.catalogue;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a resource says what a search needs ({@code oc.catalogue.field.*}): its id, its creator, its access (public
 * when one of the public values), who it is shared with (the keys of an object, such as oc-lib's partnerships keyed
 * by peer id, or the strings of a list), and the fields the search text is looked for in. A name may be a dotted path
 * ({@code instances.partnerships}); lists on the way are looked through. Immutable.
 *
 * @param publicValues access values that make a resource public, compared case-insensitively ("PUBLIC", or a number)
 */
public record ResourceFields(String id, String creator, String access, List<String> publicValues, String sharedWith,
                             List<String> searched) {
    public ResourceFields {
        publicValues = List.copyOf(publicValues);
        searched = List.copyOf(searched);
        for (String field : List.of(id, creator, access, sharedWith)) {
            if (field == null || field.isBlank()) {
                throw new IllegalArgumentException("a resource field without a name");
            }
        }
    }

    /**
     * What the node's own stores keep of a resource, or null when it has no id (it cannot be kept, nor removed).
     * Its searched texts are kept in lower case, so that both stores match them alike.
     */
    CatalogueEntry entry(String dataType, JsonNode resource, String resourceJson) {
        String resourceId = firstText(resource, id);
        if (resourceId == null || resourceId.isEmpty()) {
            return null;
        }
        String creatorId = firstText(resource, creator);
        boolean isPublic = values(resource, access).stream().anyMatch(v -> isPublicValue(v.asText()));
        Set<String> shared = new LinkedHashSet<>();
        for (JsonNode value : values(resource, sharedWith)) {
            if (value.isObject()) {
                value.fieldNames().forEachRemaining(shared::add);
            } else if (value.isValueNode()) {
                shared.add(value.asText());
            }
        }
        List<String> texts = new ArrayList<>();
        for (String field : searched) {
            values(resource, field).stream().filter(JsonNode::isValueNode).map(v -> lower(v.asText())).forEach(texts::add);
        }
        return new CatalogueEntry(dataType, resourceId, creatorId == null ? "" : creatorId, isPublic,
                List.copyOf(shared), texts, resourceJson);
    }

    /** The id of a resource, or null. */
    String idOf(JsonNode resource) {
        return firstText(resource, id);
    }

    /** Whether a kept entry answers {@code query}: created by this node (or naming no creator), visible, matching. */
    static boolean matches(CatalogueEntry entry, ResourceQuery query) {
        String text = lower(query.text());
        return entry.dataType().equals(query.dataType())
                && (entry.creator().isEmpty() || entry.creator().equals(query.self()))
                && (entry.isPublic() || entry.sharedWith().contains(query.requester()))
                && (text.isEmpty() || entry.texts().stream().anyMatch(t -> t.contains(text)));
    }

    boolean isPublicValue(String value) {
        return publicValues.stream().anyMatch(p -> p.equalsIgnoreCase(value.trim()));
    }

    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    private static String firstText(JsonNode resource, String path) {
        return values(resource, path).stream().filter(JsonNode::isValueNode).map(JsonNode::asText).findFirst()
                .orElse(null);
    }

    /** The values at a dotted path, looking through lists on the way and at the end; none when absent. */
    static List<JsonNode> values(JsonNode resource, String path) {
        List<JsonNode> current = List.of(resource);
        for (String name : path.split("\\.")) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                JsonNode child = node.get(name);
                if (child != null && !child.isNull()) {
                    next.add(child);
                }
            }
            current = flatten(next);
        }
        return current;
    }

    private static List<JsonNode> flatten(List<JsonNode> nodes) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode node : nodes) {
            if (node.isArray()) {
                node.forEach(element -> {
                    if (!element.isNull()) {
                        out.add(element);
                    }
                });
            } else {
                out.add(node);
            }
        }
        return out;
    }
}
