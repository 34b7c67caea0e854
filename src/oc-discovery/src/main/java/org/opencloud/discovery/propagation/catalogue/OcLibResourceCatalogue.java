package org.opencloud.discovery.propagation.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The resources of an oc-lib MongoDB, read in place: one collection per data type (configured), documents matched
 * on the configured fields ({@link ResourceFields}): creator equal to this node, access one of the public values
 * or shared with the requester (a key of the shared-with object, or an element of its list), and a searched field
 * containing the text, case-insensitively. Plain queries that mongo-java-server and MongoDB answer alike. The oc-lib
 * apps write that database: what this node propagates is not written there. Thread-safe: the driver's client is.
 */
public final class OcLibResourceCatalogue implements ResourceCatalogue {
    private static final JsonWriterSettings JSON = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
    /** What a peer id may hold, so that it can name a field of the shared-with object (no dot, no dollar). */
    private static final Pattern PEER_ID = Pattern.compile("[1-9A-HJ-NP-Za-km-z]+|[a-z2-7]+");

    private final MongoClient client;
    private final MongoDatabase database;
    private final Map<String, String> collections;
    private final ResourceFields fields;

    /**
     * @param collections the collection of each data type (canonical names); other data types have no resources here
     */
    public OcLibResourceCatalogue(String uri, String database, Map<String, String> collections, ResourceFields fields) {
        this.client = MongoClients.create(uri);
        this.database = client.getDatabase(database);
        this.collections = Map.copyOf(collections);
        this.fields = fields;
    }

    /** Not written by this node: the oc-lib apps keep their database. */
    @Override
    public boolean upsert(String dataType, JsonNode resource, String resourceJson) {
        return false;
    }

    /** Not written by this node: the oc-lib apps keep their database. */
    @Override
    public boolean remove(String dataType, JsonNode resource) {
        return false;
    }

    @Override
    public List<String> search(ResourceQuery query) {
        String collection = collections.get(query.dataType());
        List<String> found = new ArrayList<>();
        if (collection == null || query.limit() == 0) {
            return found;
        }
        database.getCollection(collection).find(filter(query)).limit(query.limit())
                .forEach(document -> found.add(document.toJson(JSON)));
        return found;
    }

    private Bson filter(ResourceQuery query) {
        List<Bson> visible = new ArrayList<>();
        for (String value : fields.publicValues()) {
            visible.add(Filters.regex(fields.access(), "^" + RegexText.literal(value.trim()) + "$", "i"));
            try {
                visible.add(Filters.eq(fields.access(), Integer.valueOf(value.trim()))); // oc-lib enums are Go ints
            } catch (NumberFormatException notANumber) {
                // a name only
            }
        }
        visible.add(Filters.eq(fields.sharedWith(), query.requester()));
        if (PEER_ID.matcher(query.requester()).matches()) {
            visible.add(Filters.exists(fields.sharedWith() + "." + query.requester()));
        }
        List<Bson> conditions = new ArrayList<>(List.of(Filters.eq(fields.creator(), query.self()), Filters.or(visible)));
        if (!query.text().isEmpty()) {
            String pattern = RegexText.literal(query.text());
            conditions.add(Filters.or(fields.searched().stream().map(f -> Filters.regex(f, pattern, "i")).toList()));
        }
        return Filters.and(conditions);
    }

    @Override
    public String describe() {
        return "oc-lib MongoDB database " + database.getName();
    }

    @Override
    public void close() {
        client.close();
    }
}
