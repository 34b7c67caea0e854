package org.opencloud.discovery.bench;

import io.nats.client.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The end-to-end speed of propagation: a PB_CREATE of a 1 KiB resource published on node A's NATS,
 * until its CREATE_RESOURCE arrives on every partner's NATS; beside it, NATS alone (publish to
 * subscribe on one server), the floor of the chain. The nodes run all in this JVM, or with {@code --processes}
 * each in a JVM of its own, as operators deploy them; then the rows also give each node process's CPU time per
 * event (from /proc), which does not depend on how many nodes share the machine, as fast as the chain goes and at
 * the latency phase's rate. Prints one table
 * (README: src/test/bench/run.sh propagation).
 */
public final class PropagationBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(PropagationBenchmark.class);
    private static final String FLOOR_SUBJECT = "BENCH_FLOOR";
    static final String BEST_EFFORT_CHAIN = "A's NATS -> libp2p -> partner's NATS";
    /** A's NATS has JetStream: the intake's stream, each partner's outbox, then libp2p to the partner's NATS. */
    static final String DURABLE_CHAIN = "A's NATS -> durable outboxes -> partner's NATS";

    /** How long and how hard each row is measured. */
    record Settings(boolean processes, List<Integer> partnerCounts, Duration warmup, Duration measure, int window,
                    int latencyRate, Duration latencyDuration, Duration drain) {
        /**
         * The README's run; {@code -Dbench.partners=1,4} measures fewer partner counts, {@code -Dbench.warmup-seconds}
         * and {@code -Dbench.measure-seconds} (default 20, or 60 with node processes, and 8) shorten a run on a busy
         * machine, and {@code -Dbench.drain-seconds} (default 20) is how long a row waits for the last events. The
         * warm-up is long because the chain's code is only compiled once traffic reaches it: with 3 s, the C2
         * compiler still took a third of the measured window and the row read a third of the warm rate. Node
         * processes each compile the chain themselves, on cores they share with the others: after 20 s, C2 still
         * took a quarter of a core in A's process during the measured window (JFR), and A's CPU per event read
         * twice its figure after 60 s.
         */
        static Settings standard(boolean processes) {
            List<Integer> partners = Arrays.stream(System.getProperty("bench.partners", "1,4,16").split(","))
                    .map(String::trim).map(Integer::valueOf).toList();
            int warmupSeconds = Integer.getInteger("bench.warmup-seconds", processes ? 60 : 20);
            return new Settings(processes, partners, Duration.ofSeconds(warmupSeconds),
                    Duration.ofSeconds(Integer.getInteger("bench.measure-seconds", 8)), 2_000,
                    1_000, Duration.ofSeconds(5), Duration.ofSeconds(Integer.getInteger("bench.drain-seconds", 20)));
        }

        int maxPartners() {
            return Collections.max(partnerCounts);
        }
    }

    /**
     * One line of the table; with node processes, their CPU time: A's per event delivered to every partner, the
     * partners' (together) per arrival, during the throughput window (the chain as fast as it goes, on cores the
     * nodes share with their NATS servers and this driver) and during the latency phase (at its fixed rate, below
     * that). NaN when the nodes share this JVM.
     */
    record Row(String chain, String partners, Measurement.Throughput throughput, Measurement.Latency latency,
               double senderCpuMicros, double receiverCpuMicros, double senderCpuAtRateMicros,
               double receiverCpuAtRateMicros) {
    }

    private PropagationBenchmark() {
    }

    /** Arguments: {@code [--processes] [workdir]}. */
    public static void main(String[] args) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(args));
        boolean processes = arguments.remove("--processes");
        Path dir = Path.of(arguments.isEmpty() ? "target/propagation-benchmark" : arguments.get(0));
        Settings settings = Settings.standard(processes);
        String handOff = ThreadHandOff.describe(Duration.ofSeconds(1)); // before the nodes start: an idle machine
        List<Row> rows = run(settings, dir, Map.of());
        System.out.println(table(settings, rows) + handOff);
        System.exit(0); // camel-main and jnats leave non-daemon threads behind
    }

    /** Measures every row; {@code nodeProperties} go to every node (tuning under test). */
    static List<Row> run(Settings settings, Path dir, Map<String, String> nodeProperties) throws Exception {
        deleteRecursively(dir);
        List<Row> rows = new ArrayList<>();
        try (BenchCluster cluster = new BenchCluster(dir, settings.maxPartners(), settings.processes(),
                nodeProperties)) {
            Connection publisher = cluster.connect(cluster.a());
            Connection durablePublisher = cluster.connect(cluster.aDurable());
            Connection subscriber = cluster.connect(cluster.a());
            LOG.info("measuring NATS alone");
            try (Measurement floor = new Measurement(publisher, FLOOR_SUBJECT,
                    sent -> Measurement.resource(sent).getBytes(StandardCharsets.UTF_8),
                    List.of(new Measurement.Receiver(subscriber, FLOOR_SUBJECT)))) {
                rows.add(measure(settings, "NATS alone (publish -> subscribe, one server)", "-", 1, floor, List.of()));
            }
            List<Measurement.Receiver> receivers = new ArrayList<>();
            for (BenchCluster.Member partner : cluster.partners()) {
                receivers.add(new Measurement.Receiver(cluster.connect(partner), "CREATE_RESOURCE"));
            }
            for (int count : settings.partnerCounts()) {
                for (boolean durable : List.of(false, true)) {
                    LOG.info("measuring the chain to {} partner(s), {}", count, durable ? "durable" : "best effort");
                    cluster.startA(count, durable);
                    List<LongSupplier> clocks = new ArrayList<>();
                    if (settings.processes()) {
                        clocks.add(cluster::cpuOfA);
                        for (int i = 0; i < count; i++) {
                            int partner = i;
                            clocks.add(() -> cluster.cpuOfPartner(partner));
                        }
                    }
                    try (Measurement chain = new Measurement(durable ? durablePublisher : publisher,
                            "PROPALGATION_EVENT", PropagationBenchmark::propagationEvent, receivers.subList(0, count))) {
                        rows.add(measure(settings, durable ? DURABLE_CHAIN : BEST_EFFORT_CHAIN, String.valueOf(count),
                                count, chain, clocks));
                    }
                }
            }
        }
        return rows;
    }

    /**
     * {@code clocks}: node A's CPU time, then each partner's; none when the nodes share this JVM. The window counts
     * deliveries, so that each row has as many in flight (2,000 events to 16 partners would be 32,000, which a
     * best-effort sender fails after its delivery timeout instead of measuring a rate).
     */
    private static Row measure(Settings settings, String chain, String partners, int partnerCount,
                               Measurement measurement, List<LongSupplier> clocks) throws InterruptedException {
        Measurement.Throughput throughput = measurement.throughput(settings.warmup(), settings.measure(),
                Math.max(1, settings.window() / partnerCount), settings.drain(), clocks);
        Measurement.Latency latency = measurement.latency(settings.latencyRate(), settings.latencyDuration(),
                settings.drain(), clocks);
        long[] cpu = throughput.clockDeltas();
        long[] cpuAtRate = latency.clockDeltas();
        long latencyEvents = latency.expectedSamples() / partnerCount;
        return new Row(chain, partners, throughput, latency,
                micros(cpu, 0, 1, throughput.deliveredInWindow()),
                micros(cpu, 1, cpu.length, throughput.deliveriesInWindow()),
                micros(cpuAtRate, 0, 1, latencyEvents), micros(cpuAtRate, 1, cpuAtRate.length, latency.samples()));
    }

    /** The clocks {@code from} to {@code to} (nanoseconds of CPU) together, in microseconds per event; NaN without. */
    private static double micros(long[] clockDeltas, int from, int to, long events) {
        return clockDeltas.length == 0 ? Double.NaN : Arrays.stream(clockDeltas, from, to).sum() / 1e3 / events;
    }

    /** What an app publishes on PROPALGATION_EVENT: a PB_CREATE of one resource. */
    private static byte[] propagationEvent(long sentNanos) {
        return ("{\"FromApp\":\"bench-app\",\"Datatype\":1,\"User\":\"bench\",\"Payload\":"
                + "{\"Action\":\"PB_CREATE\",\"DataType\":\"DATA_RESOURCE\",\"Payload\":"
                + Measurement.resource(sentNanos) + "}}").getBytes(StandardCharsets.UTF_8);
    }

    static String table(Settings settings, List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("machine: %s, %d cores; JDK: %s %s (%s)%n", cpuModel(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("os.arch")));
        out.append(String.format("nodes: %s%n", settings.processes()
                ? "each in a JVM of its own (java " + Runtime.version() + "), CPU time per event from /proc/<pid>/stat"
                : "all in this JVM"));
        out.append(String.format("resources: %d bytes; throughput: at most %d deliveries (events x partners) in flight, %d s warm-up, %d s "
                        + "measured; latency: %d events/s for %d s, publish on A's NATS to arrival on each partner's%n",
                Measurement.RESOURCE_BYTES, settings.window(), settings.warmup().toSeconds(),
                settings.measure().toSeconds(), settings.latencyRate(), settings.latencyDuration().toSeconds()));
        String format = "| %-46s | %8s | %14s | %19s | %11s | %11s | %15s | %13s | %17s | %19s | %25s |%n";
        String atRate = " at " + String.format("%,d", settings.latencyRate()) + "/s";
        out.append(String.format(format, "chain", "partners", "events/s", "delivered/published",
                "p50 ms", "p99 ms", "latency samples", "A CPU us/ev", "partner CPU us/ev", "A CPU us/ev" + atRate,
                "partner CPU us/ev" + atRate));
        out.append(String.format(format, "-".repeat(46), "-".repeat(8), "-".repeat(14), "-".repeat(19),
                "-".repeat(11), "-".repeat(11), "-".repeat(15), "-".repeat(13), "-".repeat(17), "-".repeat(19),
                "-".repeat(25)));
        for (Row row : rows) {
            out.append(String.format(format, row.chain(), row.partners(),
                    String.format("%,.0f", row.throughput().eventsPerSecond()),
                    row.throughput().deliveredToAll() + "/" + row.throughput().published(),
                    String.format("%.3f", row.latency().p50Millis()), String.format("%.3f", row.latency().p99Millis()),
                    row.latency().samples() + "/" + row.latency().expectedSamples(),
                    micros(row.senderCpuMicros()), micros(row.receiverCpuMicros()),
                    micros(row.senderCpuAtRateMicros()), micros(row.receiverCpuAtRateMicros())));
        }
        return out.toString();
    }

    private static String micros(double value) {
        return Double.isNaN(value) ? "-" : String.format("%,.1f", value);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
