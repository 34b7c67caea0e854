package org.opencloud.discovery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencloud.discovery.interop.JsPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The anchor benchmark in one run on one machine: Java→Java, Java→js, js→Java and js→js (perf.mjs), each
 * plain and with a pre-shared key, printed as one table with the Java→Java / js→js ratios checked against
 * the targets (at least 2× for bulk, streams and lp; a dial median no slower). Run by
 * {@code src/test/bench/run.sh libp2p}; options are perf.mjs's plus {@code --directions} and {@code --out-dir}.
 * Speed is reported, never asserted.
 */
public final class Benchmark {
    private static final Logger LOG = LoggerFactory.getLogger(Benchmark.class);
    private static final Duration JS_RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final Map<String, String> DIRECTIONS = new LinkedHashMap<>();

    static {
        DIRECTIONS.put("java-java", "Java→Java");
        DIRECTIONS.put("java-js", "Java→js");
        DIRECTIONS.put("js-java", "js→Java");
        DIRECTIONS.put("js-js", "js→js");
    }

    /** A column of the table: where its figure is in a perf summary, and whether higher is better. */
    private record Metric(String title, String test, String field, boolean higherIsBetter, double target) {
    }

    private static final List<Metric> METRICS = List.of(
            new Metric("dial median ms", "dial", "medianMs", false, 1.0),
            new Metric("bulk MB/s", "bulk", "MBps", true, 2.0),
            new Metric("streams msg/s", "streams", "msgsPerSec", true, 2.0),
            new Metric("lp msg/s", "lp", "msgsPerSec", true, 2.0));

    public static void main(String[] args) throws IOException {
        List<String> known = new ArrayList<>(PerfClient.PARAM_OPTIONS);
        known.addAll(List.of("directions", "out-dir"));
        Map<String, String> options = PerfClient.options(args, known);
        PerfClient.Params params = PerfClient.Params.from(options, 20_000);
        List<String> directions = Arrays.asList(options.getOrDefault("directions", String.join(",", DIRECTIONS.keySet())).split(","));
        for (String d : directions) {
            if (!DIRECTIONS.containsKey(d)) {
                throw new IllegalArgumentException("--directions: unknown " + d + " (one of " + DIRECTIONS.keySet() + ")");
            }
        }
        Path outDir = Path.of(options.getOrDefault("out-dir", "target/bench"));
        Files.createDirectories(outDir);
        JsPeer.install();

        Map<String, JsonNode> summaries = new LinkedHashMap<>();
        for (String direction : directions) {
            long t0 = System.nanoTime();
            LOG.info("{} ...", DIRECTIONS.get(direction));
            JsonNode summary = run(direction, params);
            Files.writeString(outDir.resolve(direction + ".json"),
                    PerfClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
            LOG.info("{} done in {} s", DIRECTIONS.get(direction), Math.round((System.nanoTime() - t0) / 1e9));
            summaries.put(direction, summary);
        }
        String table = table(params, summaries);
        Files.writeString(outDir.resolve("table.txt"), table);
        System.out.print(table);
        System.exit(0);
    }

    private static JsonNode run(String direction, PerfClient.Params params) {
        List<String> perfArgs = new ArrayList<>(params.toArgs());
        perfArgs.add("--quiet");
        return switch (direction) {
            case "java-java" -> new PerfClient(params).run(PerfClient.javaListener(), "java");
            case "java-js" -> new PerfClient(params).run(PerfClient.jsListener(), "js");
            case "js-java" -> {
                perfArgs.addAll(List.of("--listener-cmd", toJson(PerfClient.javaListenerCommand(null))));
                yield jsPerf(perfArgs);
            }
            case "js-js" -> jsPerf(perfArgs);
            default -> throw new IllegalArgumentException(direction);
        };
    }

    private static JsonNode jsPerf(List<String> args) {
        List<JsonNode> out = JsPeer.run("perf.mjs", JS_RUN_TIMEOUT, args.toArray(String[]::new));
        if (out.size() != 1) {
            throw new IllegalStateException("perf.mjs printed " + out.size() + " JSON values, expected one summary");
        }
        return out.get(0);
    }

    private static String toJson(List<String> argv) {
        try {
            return PerfClient.JSON.writeValueAsString(argv);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String table(PerfClient.Params params, Map<String, JsonNode> summaries) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-18s", "direction, mode"));
        METRICS.forEach(m -> out.append(String.format(Locale.ROOT, "%16s", m.title())));
        out.append('\n');
        summaries.forEach((direction, summary) -> {
            for (String mode : params.modes()) {
                out.append(String.format(Locale.ROOT, "%-18s", DIRECTIONS.get(direction) + " " + mode));
                for (Metric m : METRICS) {
                    out.append(String.format(Locale.ROOT, "%16s", format(value(summary, mode, m))));
                }
                out.append('\n');
            }
        });
        out.append('\n').append(machineLine(summaries)).append('\n');
        out.append(String.format(Locale.ROOT, "sizes: %d dials, %d MiB bulk in %d B writes after %d MiB of warm-up, %d msgs of %d B, "
                + "%d streams in flight, warm-up %.0f%%%n", params.dials(), params.bulkMiB(), params.chunk(),
                params.bulkWarmupMiB(), params.msgs(), params.size(), params.concurrency(), params.warmupFrac() * 100));
        JsonNode java = summaries.get("java-java");
        JsonNode js = summaries.get("js-js");
        if (java != null && js != null) {
            for (String mode : params.modes()) {
                out.append("Java→Java / js→js ").append(mode).append(':');
                for (Metric m : METRICS) {
                    double ratio = value(java, mode, m) / value(js, mode, m);
                    boolean pass = m.higherIsBetter() ? ratio >= m.target() : ratio <= m.target();
                    out.append(String.format(Locale.ROOT, "  %s %.2f× (%s %.0f×) %s;", m.test(), ratio,
                            m.higherIsBetter() ? "≥" : "≤", m.target(), pass ? "PASS" : "FAIL"));
                }
                out.setLength(out.length() - 1);
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static double value(JsonNode summary, String mode, Metric m) {
        JsonNode v = summary.path("results").path(mode).path(m.test()).path(m.field());
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "-" : v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String machineLine(Map<String, JsonNode> summaries) {
        JsonNode javaMachine = PerfClient.machineInfo();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "machine: %d cores (%s), %.1f GiB; JDK %s",
                javaMachine.path("cpus").asInt(), javaMachine.path("cpuModel").asText("?"),
                javaMachine.path("memGiB").asDouble(), javaMachine.path("java").asText()));
        summaries.values().stream().filter(s -> s.has("versions") && s.path("versions").has("libp2p")).findFirst()
                .ifPresent(js -> {
                    line.append("; node ").append(js.path("machine").path("node").asText()).append("; js-libp2p");
                    js.path("versions").fields().forEachRemaining(v -> line.append(' ').append(v.getKey())
                            .append('@').append(v.getValue().asText()));
                });
        return line.toString();
    }
}
