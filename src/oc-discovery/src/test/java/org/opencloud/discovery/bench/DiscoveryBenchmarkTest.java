package org.opencloud.discovery.bench;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.interop.JsPeer;
import org.opencloud.discovery.interop.RequiresTools;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The discovery benchmark at a tiny size: every row measured on both sides (the search rows on Java's only), every
 * lookup answered, every message delivered, every search answered by every node (never its speed).
 */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class DiscoveryBenchmarkTest {
    @Test
    void measuresLookupsValuesGossipsubAndSearches() throws Exception {
        List<DiscoveryBenchmark.Row> rows = DiscoveryBenchmark.run(new DiscoveryBenchmark.Sizes(8, 5, 8, 2, 7, 3, 4));

        assertEquals(List.of("Java FIND_NODE lookup", "Java GET_VALUE", "Java gossipsub delivery",
                "js FIND_NODE lookup", "js GET_VALUE", "js gossipsub delivery",
                "Java search round trip (partner)", "Java search round trip (all)"),
                rows.stream().map(DiscoveryBenchmark.Row::what).toList());
        for (DiscoveryBenchmark.Row row : rows) {
            // 3/4 of 8 messages to 7 nodes; 4 searches each answered by the 3 nodes
            long expected = row.what().endsWith("gossipsub delivery") ? 6 * 7 : row.what().contains("search") ? 4 : 5;
            assertEquals(expected, row.expected(), row.what());
            assertEquals(expected, row.found(), row.what() + ": every lookup found what it looked for, every message came");
            assertEquals(expected, row.latencies().length, row.what());
        }
        assertTrue(rows.get(0).queries() >= 1 && rows.get(0).hops() >= 1, "the Java lookups asked someone");
        assertTrue(rows.get(3).queries() >= 1 && rows.get(3).hops() >= 1, "the js lookups asked someone");
        String table = DiscoveryBenchmark.table(8, rows);
        assertTrue(table.contains("FIND_NODE lookup: js p50 / Java p50"), table);
        assertTrue(table.contains("search round trip (PB_SEARCH on A's NATS"), table);
    }
}
