package org.opencloud.discovery.propagation.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.opencloud.discovery.propagation.OwnerOnlyFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
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
 * Entries are kept in key order ({@code <data type>/<id>}), so a search reads only its data type's. Each is kept as
 * bytes: the search fields as JSON, a newline (never in that JSON: it escapes control characters), then the
 * resource JSON as it came, not escaped as a string inside the document (writing and storing the 1 KiB resource
 * escaped, character by character, was a tenth of the sending node's CPU); a store of an earlier version holds
 * the whole document as a JSON string, read as such. Thread-safe: MVStore's maps and commits are.
 */
public final class EmbeddedResourceCatalogue implements ResourceCatalogue {

    /** File name of the store inside the data directory. */
    public static final String STORE_FILE = "resource-catalogue.mvstore";

    private static final TypeReference<Map<String, Object>> DOCUMENT = new TypeReference<>() {
    };
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte SEPARATOR = '\n';
    /** MVStore's background writer commits what changed this often (and at close). */
    private static final int COMMIT_DELAY_MS = 100;
    /** ... or sooner, once this much changed (KiB), so a burst does not wait in memory. */
    private static final int COMMIT_BUFFER_KIB = 1024;

    private final Path file;
    private final ResourceFields fields;
    private final MVStore store;
    /** key → byte[] (search fields, newline, resource JSON), or String (the document) from an earlier version. */
    private final MVMap<String, Object> resources;

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
        resources.put(CatalogueEntry.key(dataType, entry.id()), encode(entry));
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
        Cursor<String, Object> cursor = resources.cursor(prefix);
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

    private static byte[] encode(CatalogueEntry entry) {
        byte[] fields;
        try {
            fields = JSON.writeValueAsBytes(entry.searchFields());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write resource " + entry.id() + " as JSON", e);
        }
        byte[] json = entry.json().getBytes(StandardCharsets.UTF_8);
        byte[] kept = Arrays.copyOf(fields, fields.length + 1 + json.length);
        kept[fields.length] = SEPARATOR;
        System.arraycopy(json, 0, kept, fields.length + 1, json.length);
        return kept;
    }

    private static CatalogueEntry parse(Object kept) {
        try {
            if (kept instanceof String document) {
                return CatalogueEntry.fromDocument(JSON.readValue(document, DOCUMENT));
            }
            byte[] bytes = (byte[]) kept;
            int separator = 0;
            while (bytes[separator] != SEPARATOR) {
                separator++;
            }
            return CatalogueEntry.fromSearchFields(JSON.readValue(bytes, 0, separator, DOCUMENT),
                    new String(bytes, separator + 1, bytes.length - separator - 1, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("unreadable entry in the resource catalogue: "
                    + (kept instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : kept), e);
        }
    }
}
