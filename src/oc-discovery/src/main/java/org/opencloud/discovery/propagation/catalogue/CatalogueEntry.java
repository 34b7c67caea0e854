package org.opencloud.discovery.propagation.catalogue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resource as the node's own stores keep it: the resource JSON as propagated, and what searches are matched on,
 * read once when it was kept ({@link ResourceFields#entry}). Both stores keep the same document,
 * {@code {_id: "<data type>/<id>", data_type, creator ("" when none), public, shared_with, texts (lower case), json}}:
 * MongoDB as BSON, the embedded store as JSON.
 */
record CatalogueEntry(String dataType, String id, String creator, boolean isPublic, List<String> sharedWith,
                      List<String> texts, String json) {

    static String key(String dataType, String id) {
        return dataType + "/" + id;
    }

    Map<String, Object> toDocument() {
        Map<String, Object> document = searchFields();
        document.put("json", json);
        return document;
    }

    /** The document without its {@code json}: what searches are matched on. */
    Map<String, Object> searchFields() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("_id", key(dataType, id));
        document.put("data_type", dataType);
        document.put("resource_id", id);
        document.put("creator", creator);
        document.put("public", isPublic);
        document.put("shared_with", sharedWith);
        document.put("texts", texts);
        return document;
    }

    static CatalogueEntry fromDocument(Map<String, ?> document) {
        return fromSearchFields(document, (String) document.get("json"));
    }

    static CatalogueEntry fromSearchFields(Map<String, ?> fields, String json) {
        return new CatalogueEntry((String) fields.get("data_type"), (String) fields.get("resource_id"),
                (String) fields.get("creator"), Boolean.TRUE.equals(fields.get("public")),
                strings(fields.get("shared_with")), strings(fields.get("texts")), json);
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String.class::cast).toList() : List.of();
    }
}
