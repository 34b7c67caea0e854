package org.opencloud.discovery.propagation.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;

/**
 * The node's own resources in a collection of the operator's MongoDB (the database of the peer directory), one
 * {@link CatalogueEntry} document per resource, found with plain queries ({@code $eq}, {@code $in}, {@code $or},
 * {@code $regex} on the lower-case texts) that mongo-java-server and MongoDB answer alike. Thread-safe: the
 * driver's client is.
 */
public final class MongoResourceCatalogue implements ResourceCatalogue {
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoClient client;
    private final MongoCollection<Document> resources;
    private final ResourceFields fields;

    /** Connects to the MongoDB at {@code uri}; the catalogue owns the client and closes it. */
    public MongoResourceCatalogue(String uri, String database, String collection, ResourceFields fields) {
        this.client = MongoClients.create(uri);
        this.resources = client.getDatabase(database).getCollection(collection);
        this.fields = fields;
    }

    @Override
    public boolean upsert(String dataType, JsonNode resource, String resourceJson) {
        CatalogueEntry entry = fields.entry(dataType, resource, resourceJson);
        if (entry == null) {
            return false;
        }
        resources.replaceOne(byKey(dataType, entry.id()), new Document(entry.toDocument()), UPSERT);
        return true;
    }

    @Override
    public boolean remove(String dataType, JsonNode resource) {
        String id = fields.idOf(resource);
        return id != null && resources.deleteOne(byKey(dataType, id)).getDeletedCount() > 0;
    }

    @Override
    public List<String> search(ResourceQuery query) {
        List<Bson> conditions = new ArrayList<>(List.of(
                Filters.eq("data_type", query.dataType()),
                Filters.in("creator", "", query.self()),
                Filters.or(Filters.eq("public", true), Filters.eq("shared_with", query.requester()))));
        String text = ResourceFields.lower(query.text());
        if (!text.isEmpty()) {
            conditions.add(Filters.regex("texts", RegexText.literal(text)));
        }
        List<String> found = new ArrayList<>();
        resources.find(Filters.and(conditions)).limit(query.limit())
                .forEach(document -> found.add(CatalogueEntry.fromDocument(document).json()));
        return found;
    }

    @Override
    public String describe() {
        return "MongoDB collection " + resources.getNamespace();
    }

    @Override
    public void close() {
        client.close();
    }

    private static Bson byKey(String dataType, String id) {
        return Filters.eq("_id", CatalogueEntry.key(dataType, id));
    }
}
