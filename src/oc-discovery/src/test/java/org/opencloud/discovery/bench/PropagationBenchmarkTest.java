package org.opencloud.discovery.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark driver at tiny sizes: every row measured, every event counted (never its speed). */
class PropagationBenchmarkTest {
    @Test
    void measuresNatsAloneAndTheChainToOnePartnerBestEffortAndDurable(@TempDir Path dir) throws Exception {
        PropagationBenchmark.Settings settings = new PropagationBenchmark.Settings(List.of(1), Duration.ZERO,
                Duration.ofSeconds(1), 50, 50, Duration.ofSeconds(1), Duration.ofSeconds(30));

        List<PropagationBenchmark.Row> rows = PropagationBenchmark.run(settings, dir.resolve("run"), Map.of());

        assertEquals(List.of("NATS alone (publish -> subscribe, one server)", PropagationBenchmark.BEST_EFFORT_CHAIN,
                PropagationBenchmark.DURABLE_CHAIN), rows.stream().map(PropagationBenchmark.Row::chain).toList());
        for (PropagationBenchmark.Row row : rows) {
            assertTrue(row.throughput().published() > 0, row.chain());
            assertEquals(row.throughput().published(), row.throughput().deliveredToAll(), row.chain());
            assertEquals(50, row.latency().expectedSamples(), row.chain());
            assertEquals(row.latency().expectedSamples(), row.latency().samples(), row.chain());
        }
        assertTrue(PropagationBenchmark.table(settings, rows).contains("NATS alone"));
    }
}
