package org.opencloud.discovery.propagation.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.opencloud.discovery.propagation.OwnerOnlyFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node's own resources in this JVM, in an H2 MVStore file under the data directory, as the embedded peer
 * directory keeps peers (no listener, mode 0600, locked while open), but written behind: MVStore's background
 * writer commits the changes of the last {@value #COMMIT_DELAY_MS} ms at once, and everything at close. A commit
 * per write (with its sync) was a third of the CPU of the outbound flow, on the one thread that keeps the
 * events in order. The catalogue is an index of what the apps published, not where a resource is kept: a node
 * killed (kill -9) may lose the changes of its last {@value #COMMIT_DELAY_MS} ms from its search answers, until
 * the app's next update of those resources; the events themselves were delivered, or are in the outboxes.
 * Entries are kept in key order ({@code <data type>/<id>}), so a search reads only its data type's. Thread-safe: MVStore's maps and commits are.
 */
public final class EmbeddedResourceCatalogue implements ResourceCatalogue {

    /** File name of the store inside the data directory. */
    public static final String STORE_FILE = "resource-catalogue.mvstore";

    private static final TypeReference<Map<String, Object>> DOCUMENT = new TypeReference<>() {
    };
    private static final ObjectMapper JSON = new ObjectMapper();
    /** MVStore's background writer commits what changed this often (and at close). */
    private static final int COMMIT_DELAY_MS = 100;
    /** ... or sooner, once this much changed (KiB), so a burst does not wait in memory. */
    private static final int COMMIT_BUFFER_KIB = 1024;

    private final Path file;
    private final ResourceFields fields;
    private final MVStore store;
    private final MVMap<String, String> resources;

    private EmbeddedResourceCatalogue(Path file, ResourceFields fields) {
        this.file = file;
        this.fields = fields;
        this.store = new MVStore.Builder().fileName(file.toString()).autoCommitBufferSize(COMMIT_BUFFER_KIB).open();
        store.setAutoCommitDelay(COMMIT_DELAY_MS);
        this.resources = store.openMap("resources");
    }

    /** Opens (or creates) {@value #STORE_FILE} in {@code dataDirectory}, creating the directory if needed. */
    public static EmbeddedResourceCatalogue open(Path dataDirectory, ResourceFields fields) {
        return new EmbeddedResourceCatalogue(OwnerOnlyFile.prepare(dataDirectory, STORE_FILE),
                fields);
    }

    @Override
    public boolean upsert(String dataType, JsonNode resource, String resourceJson) {
        CatalogueEntry entry = fields.entry(dataType, resource, resourceJson);
        if (entry == null) {
            return false;
        }
        try {
            resources.put(CatalogueEntry.key(dataType, entry.id()), JSON.writeValueAsString(entry.toDocument()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write resource " + entry.id() + " as JSON", e);
        }
        return true;
    }

    @Override
    public boolean remove(String dataType, JsonNode resource) {
        String id = fields.idOf(resource);
        return id != null && resources.remove(CatalogueEntry.key(dataType, id)) != null;
    }

    @Override
    public List<String> search(ResourceQuery query) {
        List<String> found = new ArrayList<>();
        String prefix = CatalogueEntry.key(query.dataType(), "");
        Cursor<String, String> cursor = resources.cursor(prefix);
        while (found.size() < query.limit() && cursor.hasNext() && cursor.next().startsWith(prefix)) {
            CatalogueEntry entry = parse(cursor.getValue());
            if (ResourceFields.matches(entry, query)) {
                found.add(entry.json());
            }
        }
        return found;
    }

    @Override
    public String describe() {
        return "in-process file " + file;
    }

    @Override
    public void close() {
        store.close();
    }

    private static CatalogueEntry parse(String json) {
        try {
            return CatalogueEntry.fromDocument(JSON.readValue(json, DOCUMENT));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable entry in the resource catalogue: " + json, e);
        }
    }
}
