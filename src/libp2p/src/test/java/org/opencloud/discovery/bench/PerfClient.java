package org.opencloud.discovery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.util.Version;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.opencloud.discovery.interop.JavaCommand;
import org.opencloud.discovery.interop.JsPeer;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.host.Connection;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.pnet.SwarmKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java dialer of the anchor benchmark: the tests of {@code src/test/jspeer/perf.mjs} with the same
 * parameters, warm-up and JSON summary, against a {@link Target} listener (the Java {@link PerfListener}
 * or perf-listener.mjs). Usage: {@code PerfClient [--target java|js] [perf.mjs options]}.
 */
public final class PerfClient {
    private static final Logger LOG = LoggerFactory.getLogger(PerfClient.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /** The listener side of one mode's run. */
    public interface Target extends AutoCloseable {
        Multiaddr address();

        /** The listener's {@code stats} event. */
        JsonNode stats();

        void reset();

        @Override
        void close();
    }

    /** Starts a listener, in the private network of the swarm.key {@code pskFile}, or open when null. */
    @FunctionalInterface
    public interface TargetFactory {
        Target start(Path pskFile);
    }

    /** The options of perf.mjs, with its names and defaults. */
    public record Params(List<String> modes, List<String> tests, int dials, int bulkMiB, int bulkWarmupMiB, int chunk,
                         int msgs, int size, int concurrency, double warmupFrac) {
        static final List<String> ALL_MODES = List.of("plain", "psk");
        static final List<String> ALL_TESTS = List.of("dial", "bulk", "streams", "lp");

        /**
         * Reads {@code --modes --tests --dials --bulk-mib --bulk-warmup-mib --chunk --msgs --size --concurrency
         * --warmup-frac}. Bulk warms up with whole streams of the measured size, up to a fixed amount rather than a
         * fraction: on 2 cores the JIT needs a few GiB and a few complete streams (their end recompiles what their
         * middle compiled) before a stream runs at its steady speed, and a 5 % warm-up of one 256 MiB stream
         * measured mostly the compiler.
         */
        static Params from(Map<String, String> options, int defaultMsgs) {
            Params p = new Params(list(options, "modes", ALL_MODES), list(options, "tests", ALL_TESTS),
                    positive(options, "dials", 50), positive(options, "bulk-mib", 256),
                    nonNegative(options, "bulk-warmup-mib", 2048), positive(options, "chunk", 65536),
                    positive(options, "msgs", defaultMsgs), positive(options, "size", 1024),
                    positive(options, "concurrency", 32), Double.parseDouble(options.getOrDefault("warmup-frac", "0.05")));
            if (!(p.warmupFrac >= 0 && p.warmupFrac <= 1)) {
                throw new IllegalArgumentException("--warmup-frac must be in [0,1]");
            }
            return p;
        }

        private static List<String> list(Map<String, String> options, String name, List<String> all) {
            String value = options.get(name);
            if (value == null) {
                return all;
            }
            List<String> xs = Arrays.stream(value.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
            for (String x : xs) {
                if (!all.contains(x)) {
                    throw new IllegalArgumentException("--" + name + ": unknown " + x + " (one of " + all + ")");
                }
            }
            if (xs.isEmpty()) {
                throw new IllegalArgumentException("--" + name + " is empty");
            }
            return xs;
        }

        private static int positive(Map<String, String> options, String name, int def) {
            int n = integer(options, name, def);
            if (n <= 0) {
                throw new IllegalArgumentException("--" + name + " needs a positive integer, got " + n);
            }
            return n;
        }

        private static int nonNegative(Map<String, String> options, String name, int def) {
            int n = integer(options, name, def);
            if (n < 0) {
                throw new IllegalArgumentException("--" + name + " needs an integer of at least 0, got " + n);
            }
            return n;
        }

        private static int integer(Map<String, String> options, String name, int def) {
            String value = options.get(name);
            return value == null ? def : Integer.parseInt(value);
        }

        /** The options as perf.mjs command-line arguments. */
        List<String> toArgs() {
            return List.of("--modes", String.join(",", modes), "--tests", String.join(",", tests),
                    "--dials", "" + dials, "--bulk-mib", "" + bulkMiB, "--bulk-warmup-mib", "" + bulkWarmupMiB,
                    "--chunk", "" + chunk, "--msgs", "" + msgs,
                    "--size", "" + size, "--concurrency", "" + concurrency, "--warmup-frac", "" + warmupFrac);
        }
    }

    private final Params params;

    public PerfClient(Params params) {
        this.params = params;
    }

    /** Runs every test of every mode against listeners from {@code targets}; returns perf.mjs's summary shape. */
    public ObjectNode run(TargetFactory targets, String targetName) {
        ObjectNode summary = JSON.createObjectNode()
                .put("anchor", "Java libp2p loopback perf (tcp+noise+yamux, optional pnet) against " + targetName)
                .put("date", Instant.now().toString());
        summary.set("machine", machineInfo());
        summary.putObject("versions").put("java", System.getProperty("java.vm.vendor") + " "
                + System.getProperty("java.runtime.version")).put("netty", nettyVersion());
        summary.set("params", JSON.valueToTree(params));
        ObjectNode results = summary.putObject("results");
        Path pskDir = null;
        try {
            Path pskFile = null;
            if (params.modes().contains("psk")) {
                pskDir = Files.createTempDirectory("perf-psk-");
                pskFile = pskDir.resolve("swarm.key");
                SwarmKey.generate().write(pskFile);
            }
            for (String mode : params.modes()) {
                results.set(mode, runMode(targets, mode.equals("psk") ? pskFile : null, mode));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (pskDir != null) {
                pskDir.resolve("swarm.key").toFile().delete();
                pskDir.toFile().delete();
            }
        }
        return summary;
    }

    private ObjectNode runMode(TargetFactory targets, Path pskFile, String mode) {
        ObjectNode out = JSON.createObjectNode();
        try (Target target = targets.start(pskFile)) {
            Host host = new Host(HostConfig.withIdentity(PrivateKey.generate())
                    .privateNetworkKey(pskFile == null ? null : SwarmKey.read(pskFile))).start();
            try {
                Multiaddr address = target.address();
                if (params.tests().contains("dial")) {
                    LOG.info("[{}] dial x{}", mode, params.dials());
                    out.set("dial", testDial(host, address));
                }
                Connection conn = await(host.connect(address));
                if (params.tests().contains("bulk")) {
                    LOG.info("[{}] bulk {} MiB", mode, params.bulkMiB());
                    out.set("bulk", testBulk(conn));
                }
                if (params.tests().contains("streams")) {
                    LOG.info("[{}] streams x{} (concurrency {})", mode, params.msgs(), params.concurrency());
                    out.set("streams", testStreams(conn, target));
                }
                if (params.tests().contains("lp")) {
                    LOG.info("[{}] lp x{}", mode, params.msgs());
                    out.set("lp", testLp(conn));
                }
                JsonNode stats = target.stats();
                if (stats.path("errors").asLong() > 0) {
                    out.putObject("listenerErrors").put("count", stats.path("errors").asLong())
                            .set("last", stats.path("lastError"));
                }
                await(conn.close());
            } finally {
                host.close();
            }
        }
        return out;
    }

    private ObjectNode testDial(Host host, Multiaddr address) {
        int warm = Math.max(1, (int) Math.round(params.dials() * params.warmupFrac()));
        double[] times = new double[params.dials()];
        for (int i = 0; i < warm + params.dials(); i++) {
            long t0 = System.nanoTime();
            Connection conn = await(host.connect(address));
            double ms = (System.nanoTime() - t0) / 1e6;
            if (!conn.isOpen()) {
                throw new Libp2pException("dial " + i + ": connection is not open");
            }
            if (i >= warm) {
                times[i - warm] = ms;
            }
            await(conn.close());
        }
        Arrays.sort(times);
        return JSON.createObjectNode().put("n", times.length).put("warmup", warm)
                .put("medianMs", round(median(times), 3)).put("p90Ms", round(percentile(times, 90), 3))
                .put("minMs", round(times[0], 3)).put("maxMs", round(times[times.length - 1], 3));
    }

    private ObjectNode testBulk(Connection conn) {
        long total = (long) params.bulkMiB() << 20;
        long warmBytes = (long) params.bulkWarmupMiB() << 20;
        byte[] chunk = randomBytes(params.chunk());
        for (long left = warmBytes; left > 0; left -= total) {
            bulkOnce(conn, chunk, Math.min(left, total));
        }
        double secs = bulkOnce(conn, chunk, total);
        return JSON.createObjectNode().put("bytes", total).put("warmupBytes", warmBytes).put("chunk", params.chunk())
                .put("seconds", round(secs, 3)).put("MBps", round(total / 1e6 / secs, 1))
                .put("MiBps", round(total / (double) (1 << 20) / secs, 1));
    }

    private static double bulkOnce(Connection conn, byte[] chunk, long totalBytes) {
        Stream stream = await(conn.newStream(List.of(PerfListener.DISCARD)));
        CompletableFuture<byte[]> reply = stream.readToEnd(8);
        long t0 = System.nanoTime();
        await(writeAndClose(stream, chunk, totalBytes));
        long got = count(await(reply));
        double secs = (System.nanoTime() - t0) / 1e9;
        if (got != totalBytes) {
            throw new Libp2pException("bulk: listener counted " + got + " bytes, sent " + totalBytes);
        }
        return secs;
    }

    private ObjectNode testStreams(Connection conn, Target target) {
        byte[] payload = randomBytes(params.size());
        int warm = (int) Math.round(params.msgs() * params.warmupFrac());
        if (warm > 0) {
            streamsOnce(conn, warm, payload);
        }
        target.reset();
        double secs = streamsOnce(conn, params.msgs(), payload);
        JsonNode st = target.stats();
        if (st.path("small").path("streams").asLong() != params.msgs()
                || st.path("small").path("bytes").asLong() != (long) params.msgs() * params.size()) {
            throw new Libp2pException("streams: listener saw " + st.path("small").path("streams") + " streams / "
                    + st.path("small").path("bytes") + " bytes");
        }
        return JSON.createObjectNode().put("msgs", params.msgs()).put("size", params.size()).put("warmupMsgs", warm)
                .put("concurrency", params.concurrency()).put("seconds", round(secs, 3))
                .put("msgsPerSec", Math.round(params.msgs() / secs))
                .put("MBps", round((double) params.msgs() * params.size() / 1e6 / secs, 1));
    }

    private double streamsOnce(Connection conn, int count, byte[] payload) {
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < Math.min(params.concurrency(), count); i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            sendSmallMessages(conn, payload, next, count, done);
            workers.add(done);
        }
        await(CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)));
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * One worker of the streams test: new stream, the message, close write, wait until the listener closed
     * too; repeated until {@code count} messages are taken. Callbacks run on the event loop, no blocking.
     */
    private static void sendSmallMessages(Connection conn, byte[] payload, AtomicInteger next, int count,
                                          CompletableFuture<Void> done) {
        if (next.getAndIncrement() >= count) {
            done.complete(null);
            return;
        }
        conn.newStream(List.of(PerfListener.SMALL)).whenComplete((stream, e) -> {
            if (e != null) {
                done.completeExceptionally(e);
                return;
            }
            stream.write(Unpooled.wrappedBuffer(payload));
            stream.closeWrite();
            stream.closeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    sendSmallMessages(conn, payload, next, count, done);
                } else {
                    done.completeExceptionally(f.cause());
                }
            });
        });
    }

    private ObjectNode testLp(Connection conn) {
        byte[] prefix = Varint.encode(params.size());
        byte[] frame = randomBytes(prefix.length + params.size());
        System.arraycopy(prefix, 0, frame, 0, prefix.length);
        int warm = (int) Math.round(params.msgs() * params.warmupFrac());
        if (warm > 0) {
            lpOnce(conn, frame, warm);
        }
        double secs = lpOnce(conn, frame, params.msgs());
        return JSON.createObjectNode().put("msgs", params.msgs()).put("size", params.size())
                .put("frameBytes", frame.length).put("warmupMsgs", warm).put("seconds", round(secs, 3))
                .put("msgsPerSec", Math.round(params.msgs() / secs))
                .put("MBps", round((double) params.msgs() * frame.length / 1e6 / secs, 1));
    }

    private static double lpOnce(Connection conn, byte[] frame, int count) {
        Stream stream = await(conn.newStream(List.of(PerfListener.LP)));
        CompletableFuture<byte[]> reply = stream.readToEnd(8);
        long t0 = System.nanoTime();
        await(writeAndClose(stream, frame, (long) count * frame.length));
        long got = count(await(reply));
        double secs = (System.nanoTime() - t0) / 1e9;
        if (got != count) {
            throw new Libp2pException("lp: listener counted " + got + " frames, sent " + count);
        }
        return secs;
    }

    /**
     * Writes {@code totalBytes} as repeated {@code unit}s, one write per unit (the last one cut short),
     * each once the previous one is admitted by the peer's window, then closes the write side.
     */
    private static CompletableFuture<Void> writeAndClose(Stream stream, byte[] unit, long totalBytes) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        new Object() {
            long left = totalBytes;

            void pump() {
                while (left > 0) {
                    int n = (int) Math.min(unit.length, left);
                    left -= n;
                    Future<Void> written = stream.write(Unpooled.wrappedBuffer(unit, 0, n));
                    if (!written.isDone()) {
                        written.addListener(f -> continueAfter(f, this::pump));
                        return;
                    }
                    if (!written.isSuccess()) {
                        done.completeExceptionally(written.cause());
                        return;
                    }
                }
                stream.closeWrite().addListener(f -> continueAfter(f, () -> done.complete(null)));
            }

            void continueAfter(Future<?> f, Runnable next) {
                if (f.isSuccess()) {
                    next.run();
                } else {
                    done.completeExceptionally(f.cause());
                }
            }
        }.pump();
        return done;
    }

    private static long count(byte[] reply) {
        return reply.length == 8 ? ByteBuffer.wrap(reply).getLong() : -1;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new Libp2pException("benchmark step failed: " + e, e);
        }
    }

    static double median(double[] sorted) {
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /** perf.mjs's nearest-rank percentile. */
    static double percentile(double[] sorted, double p) {
        int idx = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1));
        return sorted[idx];
    }

    static double round(double x, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(x * scale) / scale;
    }

    static ObjectNode machineInfo() {
        ObjectNode machine = JSON.createObjectNode().put("cpus", Runtime.getRuntime().availableProcessors());
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            lines.filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> machine.put("cpuModel", l.substring(l.indexOf(':') + 1).strip()));
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("no /proc/cpuinfo: {}", e.getMessage());
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            machine.put("memGiB", round(os.getTotalMemorySize() / (double) (1L << 30), 1));
        }
        return machine.put("java", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"))
                .put("platform", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    private static String nettyVersion() {
        Version v = Version.identify().get("netty-transport");
        return v == null ? "unknown" : v.artifactVersion();
    }

    // ------------------------------------------------------------------ targets

    /** The Java {@link PerfListener}, in a JVM of its own started with this JVM's java and class path. */
    public static TargetFactory javaListener() {
        return pskFile -> jsonLinesTarget(JsPeer.startCommand("perf-listener-java", javaListenerCommand(pskFile)));
    }

    /** {@code perf-listener.mjs}, as perf.mjs starts it. */
    public static TargetFactory jsListener() {
        return pskFile -> jsonLinesTarget(JsPeer.start("perf-listener.mjs", pskFile == null ? List.of()
                : List.of("--psk", pskFile.toAbsolutePath().toString())));
    }

    /** A {@link PerfListener} in this JVM, for tests. */
    public static TargetFactory inProcessListener() {
        return pskFile -> {
            PerfListener listener = PerfListener.start(Multiaddr.of("/ip4/127.0.0.1/tcp/0"),
                    pskFile == null ? null : SwarmKey.read(pskFile));
            return new Target() {
                @Override
                public Multiaddr address() {
                    return listener.address();
                }

                @Override
                public JsonNode stats() {
                    return listener.stats();
                }

                @Override
                public void reset() {
                    listener.reset();
                }

                @Override
                public void close() {
                    listener.close();
                }
            };
        };
    }

    /** The command line that runs {@link PerfListener} with this JVM (and its logging to stderr). */
    static List<String> javaListenerCommand(Path pskFile) {
        return JavaCommand.of(PerfListener.class.getName(), List.of("-Dlogback.configurationFile=logback-bench.xml"),
                pskFile == null ? List.of() : List.of("--psk", pskFile.toAbsolutePath().toString()));
    }

    private static Target jsonLinesTarget(JsPeer peer) {
        return new Target() {
            @Override
            public Multiaddr address() {
                return Multiaddr.of(peer.addrs().get(0));
            }

            @Override
            public JsonNode stats() {
                peer.send(Map.of("cmd", "stats"));
                return peer.awaitEvent("stats", TIMEOUT);
            }

            @Override
            public void reset() {
                peer.send(Map.of("cmd", "reset"));
                peer.awaitEvent("reset", TIMEOUT);
            }

            @Override
            public void close() {
                peer.close();
            }
        };
    }

    // ------------------------------------------------------------------ command line

    /** {@code --name value} pairs, names from {@code known}. */
    static Map<String, String> options(String[] args, List<String> known) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !known.contains(name)) {
                throw new IllegalArgumentException("unknown argument " + args[i] + "; options: --" + String.join(" --", known));
            }
            if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
        }
        return options;
    }

    static final List<String> PARAM_OPTIONS = List.of("modes", "tests", "dials", "bulk-mib", "bulk-warmup-mib", "chunk",
            "msgs", "size", "concurrency", "warmup-frac");

    public static void main(String[] args) throws IOException {
        List<String> known = new ArrayList<>(PARAM_OPTIONS);
        known.addAll(List.of("target", "out"));
        Map<String, String> options = options(args, known);
        Params params = Params.from(options, 100_000);
        String target = options.getOrDefault("target", "java");
        TargetFactory targets = switch (target) {
            case "java" -> javaListener();
            case "js" -> jsListener();
            default -> throw new IllegalArgumentException("--target java|js, got " + target);
        };
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(new PerfClient(params).run(targets, target));
        if (options.containsKey("out")) {
            Files.writeString(Path.of(options.get("out")), text + "\n");
        }
        System.out.println(text);
        System.exit(0);
    }
}
