package org.opencloud.discovery.bench;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.interop.JsPeer;
import org.opencloud.discovery.interop.RequiresTools;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The discovery benchmark at a tiny size: every row measured on both sides, every lookup answered (never its speed). */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class DiscoveryBenchmarkTest {
    @Test
    void measuresLookupsAndValuesOnJavaAndJs() throws Exception {
        List<DiscoveryBenchmark.Row> rows = DiscoveryBenchmark.run(8, 5, 2, 7);

        assertEquals(List.of("Java FIND_NODE lookup", "Java GET_VALUE", "js FIND_NODE lookup", "js GET_VALUE"),
                rows.stream().map(DiscoveryBenchmark.Row::what).toList());
        for (DiscoveryBenchmark.Row row : rows) {
            assertEquals(5, row.latencies().length, row.what());
            assertEquals(5, row.found(), row.what() + ": every lookup found the peer or the record it looked for");
        }
        assertTrue(rows.get(0).queries() >= 1 && rows.get(0).hops() >= 1, "the Java lookups asked someone");
        assertTrue(rows.get(2).queries() >= 1 && rows.get(2).hops() >= 1, "the js lookups asked someone");
        assertTrue(DiscoveryBenchmark.table(8, rows).contains("FIND_NODE lookup: js p50 / Java p50"));
    }
}
