package org.opencloud.discovery.camel;

import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docs page tells what the catalog tells: every option and header the build generates into
 * libp2p.json has a row with its default and description, and no row names one that is gone.
 */
class Libp2pDocsTest {
    private static final Path PAGE = Path.of("src/main/docs/libp2p-component.adoc");
    // regenerated from the code by camel-component-maven-plugin before the tests run
    private static final Path CATALOG = Path.of("src/generated/resources/META-INF/org/opencloud/discovery/camel/libp2p.json");

    private final String page;
    private final JsonObject catalog;

    Libp2pDocsTest() throws Exception {
        page = Files.readString(PAGE);
        catalog = (JsonObject) Jsoner.deserialize(Files.readString(CATALOG));
    }

    @Test
    void theDescriptionIsTheCatalogs() {
        String description = ((JsonObject) catalog.get("component")).getString("description");
        assertTrue(page.contains("\n:description: " + description + "\n"), "the page's :description: differs from the catalog's");
    }

    @Test
    void everyComponentOptionHasItsRow() {
        assertRowsMatch(catalogRows("componentProperties"), pageRows("Component Options"));
    }

    @Test
    void everyEndpointOptionHasItsRow() {
        assertRowsMatch(catalogRows("properties"), pageRows("Endpoint Options"));
    }

    @Test
    void everyHeaderHasItsRow() {
        assertRowsMatch(catalogRows("headers"), pageRows("Message Headers"));
    }

    private static void assertRowsMatch(Map<String, Row> catalogRows, Map<String, Row> pageRows) {
        assertEquals(catalogRows.keySet(), pageRows.keySet(), "the catalog's names, then the page's");
        catalogRows.forEach((name, row) -> assertEquals(row, pageRows.get(name), name));
    }

    /** What a row says of an option: its description and default ("" when it has none). */
    private record Row(String description, String defaultValue) {
    }

    private Map<String, Row> catalogRows(String group) {
        Map<String, Row> rows = new TreeMap<>();
        ((JsonObject) catalog.get(group)).forEach((name, value) -> {
            JsonObject option = (JsonObject) value;
            Object defaultValue = option.get("defaultValue");
            rows.put(name, new Row(option.getString("description"), defaultValue == null ? "" : defaultValue.toString()));
        });
        return rows;
    }

    /** Rows {@code | *name* (group) | description | default | type} of a section between the options markers. */
    private Map<String, Row> pageRows(String section) {
        String options = between(page, "// component options: START", "// component options: END");
        String text = between(options, "\n=== " + section + "\n", "\n=== ");
        Map<String, Row> rows = new TreeMap<>();
        text.lines().filter(line -> line.startsWith("| *")).forEach(line -> {
            String[] cells = line.substring(1).split("\\|");
            assertEquals(4, cells.length, "a row has name, description, default and type: " + line);
            String name = cells[0].trim().substring(1, cells[0].trim().indexOf('*', 1));
            rows.put(name, new Row(cells[1].trim(), cells[2].trim()));
        });
        return rows;
    }

    /** The text after {@code start} up to {@code end}, or to the end when {@code end} does not follow. */
    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertTrue(from >= 0, "the page has no " + start.trim());
        from += start.length();
        int to = text.indexOf(end, from);
        return text.substring(from, to < 0 ? text.length() : to);
    }
}
