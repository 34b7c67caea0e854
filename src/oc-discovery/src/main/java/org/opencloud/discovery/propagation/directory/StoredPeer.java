package org.opencloud.discovery.propagation.directory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A peer record as a {@link PeerStore} keeps it, with whether it was changed at run time ({@code live}) or
 * only ever written from the peers file. Both stores keep the same document,
 * {@code {_id, addresses, public_key, relation (name), name, did, origin ("seed" or "live")}}: MongoDB as
 * BSON, the embedded store as JSON.
 */
public record StoredPeer(PeerRecord record, boolean live) {

    private static final String SEEDED = "seed";
    private static final String LIVE = "live";

    /** The document's fields, in the order above. */
    Map<String, Object> toDocument() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("_id", record.peerId());
        document.put("addresses", record.addresses());
        document.put("public_key", record.publicKey());
        document.put("relation", record.relation().name());
        document.put("name", record.name());
        document.put("did", record.did());
        document.put("origin", live ? LIVE : SEEDED);
        return document;
    }

    static StoredPeer fromDocument(Map<String, ?> document) {
        String relation = text(document, "relation");
        List<String> addresses = document.get("addresses") instanceof List<?> list
                ? list.stream().map(String.class::cast).toList() : null;
        PeerRecord record = new PeerRecord(text(document, "_id"), addresses, text(document, "public_key"),
                relation == null ? null : Relation.valueOf(relation), text(document, "name"), text(document, "did"));
        return new StoredPeer(record, LIVE.equals(document.get("origin")));
    }

    private static String text(Map<String, ?> document, String field) {
        return (String) document.get(field);
    }
}
