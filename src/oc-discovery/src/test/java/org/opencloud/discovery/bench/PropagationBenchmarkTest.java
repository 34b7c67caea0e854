package org.opencloud.discovery.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark driver at tiny sizes: every row measured, every event counted (never its speed). */
class PropagationBenchmarkTest {
    private static final List<String> CHAINS = List.of("NATS alone (publish -> subscribe, one server)",
            PropagationBenchmark.BEST_EFFORT_CHAIN, PropagationBenchmark.DURABLE_CHAIN);

    @Test
    void measuresNatsAloneAndTheChainToOnePartnerBestEffortAndDurable(@TempDir Path dir) throws Exception {
        PropagationBenchmark.Settings settings = tiny(false);

        List<PropagationBenchmark.Row> rows = PropagationBenchmark.run(settings, dir.resolve("run"), Map.of());

        assertEveryEventCounted(rows);
        for (PropagationBenchmark.Row row : rows) {
            assertTrue(Double.isNaN(row.senderCpuMicros()), row.chain() + ": no node process to read CPU from");
            assertTrue(Double.isNaN(row.senderCpuAtRateMicros()), row.chain() + ": no node process to read CPU from");
        }
        assertTrue(PropagationBenchmark.table(settings, rows).contains("NATS alone"));
    }

    @Test
    void withNodeProcessesReadsEachNodesCpuTimePerEvent(@TempDir Path dir) throws Exception {
        PropagationBenchmark.Settings settings = tiny(true);

        List<PropagationBenchmark.Row> rows = PropagationBenchmark.run(settings, dir.resolve("run"), Map.of());

        assertEveryEventCounted(rows);
        assertTrue(Double.isNaN(rows.get(0).senderCpuMicros()), "NATS alone has no node");
        for (PropagationBenchmark.Row row : rows.subList(1, rows.size())) {
            // relaying an event costs each process some CPU: a figure of 0 or NaN would mean a wrong process or field
            assertTrue(row.senderCpuMicros() > 0, row.chain() + ": A's CPU per event " + row.senderCpuMicros());
            assertTrue(row.receiverCpuMicros() > 0, row.chain() + ": partner's CPU per event "
                    + row.receiverCpuMicros());
            assertTrue(row.senderCpuAtRateMicros() > 0, row.chain() + ": A's CPU per event at the latency rate "
                    + row.senderCpuAtRateMicros());
            assertTrue(row.receiverCpuAtRateMicros() > 0, row.chain() + ": partner's CPU per event at the latency rate "
                    + row.receiverCpuAtRateMicros());
        }
        String table = PropagationBenchmark.table(settings, rows);
        assertTrue(table.contains("each in a JVM of its own"), table);
        assertFalse(table.contains("NaN"), table);
    }

    private static PropagationBenchmark.Settings tiny(boolean processes) {
        return new PropagationBenchmark.Settings(processes, List.of(1), Duration.ZERO, Duration.ofSeconds(1), 50, 50,
                Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    private static void assertEveryEventCounted(List<PropagationBenchmark.Row> rows) {
        assertEquals(CHAINS, rows.stream().map(PropagationBenchmark.Row::chain).toList());
        for (PropagationBenchmark.Row row : rows) {
            assertTrue(row.throughput().published() > 0, row.chain());
            assertEquals(row.throughput().published(), row.throughput().deliveredToAll(), row.chain());
            assertEquals(50, row.latency().expectedSamples(), row.chain());
            assertEquals(row.latency().expectedSamples(), row.latency().samples(), row.chain());
        }
    }
}
