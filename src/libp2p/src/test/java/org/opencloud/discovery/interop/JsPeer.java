package org.opencloud.discovery.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A running js-libp2p harness script ({@code peer.mjs}, {@code perf-listener.mjs}) from
 * {@code src/test/jspeer}, driven by JSON lines: events arrive on its stdout, commands go to its stdin.
 * Static helpers install the harness and run its one-shot scripts ({@code gen-key.mjs}, {@code gen-psk.mjs},
 * {@code perf.mjs}). Every entry point first calls {@link #install()}, so tests skip cleanly without node.
 * Logs of each process go to {@code target/jspeer/logs/}.
 */
public final class JsPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How to get what the harness needs, for the reason a skipped test shows. */
    public static final String JS_INSTALL = "Node.js 20+ and npm";

    private static final Path SOURCE_DIR = ProjectPaths.root().resolve("src/test/jspeer");
    /** Where the harness is installed and its scripts run (their working directory), shared by the modules' tests. */
    private static final Path DIR = ProjectPaths.root().resolve("target/jspeer");
    private static final Path LOG_DIR = DIR.resolve("logs");
    private static final Path NPM_LOG = DIR.resolve("npm-install.log");
    /** Copy of the package.json that node_modules was last installed from; inside node_modules so deleting it forces a reinstall. */
    private static final Path INSTALLED_PACKAGE_JSON = DIR.resolve("node_modules/.installed-package.json");
    private static final Duration NPM_INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** js-libp2p's error loggers on (debug's namespaces): why a peer aborted a stream lands in its stderr log. */
    private static final Map<String, String> LOG_ERRORS = Map.of("DEBUG", "*:error");

    private static final AtomicInteger PROCESS_COUNT = new AtomicInteger();
    private static boolean installed;
    private static RuntimeException installFailure;

    private final JsonLineProcess process;
    private final JsonNode ready;

    private JsPeer(String name, List<String> command) {
        process = new JsonLineProcess(name, command, LOG_ERRORS, DIR, LOG_DIR);
        try {
            ready = awaitEvent("ready", START_TIMEOUT);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ installation

    /**
     * Installs the harness once per JVM: copies {@code src/test/jspeer} to {@code target/jspeer} (changed files
     * only) and runs {@code npm install} there when node_modules is missing or package.json changed.
     * Skips the calling test when node or npm is not on PATH (fails it under CI, {@link RequiredTools}).
     */
    public static synchronized Path install() {
        RequiredTools.require("node", JS_INSTALL);
        RequiredTools.require("npm", JS_INSTALL);
        if (installFailure != null) {
            throw installFailure; // a failed npm install is not retried by every test class
        }
        if (!installed) {
            try {
                copySources();
                if (npmInstallNeeded()) {
                    npmInstall();
                }
                Files.createDirectories(LOG_DIR);
                installed = true;
            } catch (IOException e) {
                installFailure = new UncheckedIOException("cannot install the js-libp2p harness in " + DIR, e);
            } catch (RuntimeException e) {
                installFailure = e;
            }
            if (installFailure != null) {
                throw installFailure;
            }
        }
        return DIR;
    }

    private static void copySources() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(SOURCE_DIR)) {
            // a developer may have run npm in the source copy; its node_modules is not part of the harness
            sources = files.filter(Files::isRegularFile)
                    .filter(p -> !SOURCE_DIR.relativize(p).startsWith("node_modules"))
                    .toList();
        }
        for (Path source : sources) {
            Path target = DIR.resolve(SOURCE_DIR.relativize(source).toString());
            if (!Files.exists(target) || Files.mismatch(source, target) != -1) {
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static boolean npmInstallNeeded() throws IOException {
        return !Files.exists(INSTALLED_PACKAGE_JSON)
                || Files.mismatch(DIR.resolve("package.json"), INSTALLED_PACKAGE_JSON) != -1;
    }

    private static void npmInstall() throws IOException {
        long t0 = System.nanoTime();
        Process npm = new ProcessBuilder("npm", "install")
                .directory(DIR.toFile())
                .redirectErrorStream(true)
                .redirectOutput(NPM_LOG.toFile())
                .start();
        npm.getOutputStream().close();
        int exit = waitFor(npm, NPM_INSTALL_TIMEOUT, "npm install");
        String took = String.format("npm install in %s: exit %d after %.1f s%n", DIR, exit, (System.nanoTime() - t0) / 1e9);
        Files.writeString(NPM_LOG, took, StandardOpenOption.APPEND);
        if (exit != 0) {
            throw new IllegalStateException(took.strip() + "; see " + NPM_LOG);
        }
        Files.copy(DIR.resolve("package.json"), INSTALLED_PACKAGE_JSON, StandardCopyOption.REPLACE_EXISTING);
    }

    // ------------------------------------------------------------------ processes

    /** Starts {@code peer.mjs} with the given options; see {@link PeerOptions}. */
    public static PeerOptions peer() {
        return new PeerOptions();
    }

    /**
     * Starts a long-running harness script ({@code peer.mjs}, {@code perf-listener.mjs}) and waits for its
     * {@code ready} event. Path arguments must be absolute: the script runs in {@code target/jspeer}.
     */
    public static JsPeer start(String script, List<String> args) {
        install();
        return new JsPeer(logName(script), nodeCommand(script, args));
    }

    /**
     * Starts another program that speaks the same JSON lines (e.g. the Java {@code PerfListener}), in the
     * harness directory with its logs, and waits for its {@code ready} event; {@code name} names the logs.
     */
    public static JsPeer startCommand(String name, List<String> command) {
        install();
        return new JsPeer(logName(name), command);
    }

    /**
     * Runs a one-shot harness script to completion and returns the JSON values it printed on stdout
     * (JSON lines, or one pretty-printed document as {@code perf.mjs} prints). Fails on a non-zero exit
     * or when it runs longer than {@code timeout}.
     */
    public static List<JsonNode> run(String script, Duration timeout, String... args) {
        install();
        String name = logName(script);
        Path stdoutLog = LOG_DIR.resolve(name + ".stdout.log");
        Path stderrLog = LOG_DIR.resolve(name + ".stderr.log");
        Process process = startNode(script, List.of(args), ProcessBuilder.Redirect.to(stdoutLog.toFile()), stderrLog);
        try {
            process.getOutputStream().close();
            int exit = waitFor(process, timeout, script);
            if (exit != 0) {
                throw new AssertionError(script + " " + String.join(" ", args) + " exited with " + exit
                        + ": " + Files.readString(stderrLog).strip());
            }
            try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(stdoutLog.toFile())) {
                return values.readAll();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code gen-key.mjs FILE}: a new Ed25519 identity in {@code file}; returns {@code {file,type,peerId,created}}. */
    public static JsonNode genKey(Path file) {
        return single(run("gen-key.mjs", START_TIMEOUT, file.toAbsolutePath().toString()));
    }

    /** {@code gen-psk.mjs FILE}: a new swarm.key in {@code file}; returns {@code {file,fingerprint,created}}. */
    public static JsonNode genPsk(Path file) {
        return single(run("gen-psk.mjs", START_TIMEOUT, file.toAbsolutePath().toString()));
    }

    private static JsonNode single(List<JsonNode> values) {
        if (values.size() != 1) {
            throw new AssertionError("expected one JSON line, got " + values);
        }
        return values.get(0);
    }

    private static String logName(String script) {
        return script.replaceFirst("\\.mjs$", "") + "-" + PROCESS_COUNT.incrementAndGet();
    }

    private static List<String> nodeCommand(String script, List<String> args) {
        List<String> command = new ArrayList<>(List.of("node", "--import", "./polyfill.mjs", script));
        command.addAll(args);
        return command;
    }

    private static Process startNode(String script, List<String> args, ProcessBuilder.Redirect stdout, Path stderrLog) {
        List<String> command = nodeCommand(script, args);
        try {
            return new ProcessBuilder(command)
                    .directory(DIR.toFile())
                    .redirectOutput(stdout)
                    .redirectError(stderrLog.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Waits for exit; on timeout kills the process tree and fails (a RuntimeException, so install() remembers it). */
    private static int waitFor(Process process, Duration timeout, String what) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                JsonLineProcess.killTree(process);
                throw new IllegalStateException(what + " did not finish within " + timeout + " and was killed");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JsonLineProcess.killTree(process);
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    // ------------------------------------------------------------------ events and commands

    /** See {@link JsonLineProcess#awaitEvent(Predicate, Duration)}. */
    public JsonNode awaitEvent(Predicate<JsonNode> predicate, Duration timeout) {
        return process.awaitEvent(predicate, timeout);
    }

    /** See {@link JsonLineProcess#awaitEvent(String, Duration)}. */
    public JsonNode awaitEvent(String event, Duration timeout) {
        return process.awaitEvent(event, timeout);
    }

    /** Writes one command line, e.g. {@code Map.of("cmd", "ping", "to", addr)}. */
    public void send(Map<String, ?> command) {
        process.send(command);
    }

    /**
     * Sends a peer.mjs command and returns its outcome: peer.mjs runs commands one at a time and answers
     * each {@code send} or {@code ping} with exactly one {@code sent}/{@code ping} event, or an {@code error}
     * event naming the command, which fails here with its message.
     */
    public JsonNode command(Map<String, ?> command, Duration timeout) {
        String cmd = String.valueOf(command.get("cmd"));
        String success = "send".equals(cmd) ? "sent" : cmd;
        send(command);
        JsonNode outcome = awaitEvent(e -> success.equals(e.path("event").asText())
                || ("error".equals(e.path("event").asText()) && cmd.equals(e.path("cmd").asText())), timeout);
        if ("error".equals(outcome.path("event").asText())) {
            throw new AssertionError(process + ": " + cmd + " failed: " + outcome.path("error").asText());
        }
        return outcome;
    }

    public String peerId() {
        return ready.path("peerId").asText();
    }

    /** Listen addresses, each ending in {@code /p2p/<peerId>}. */
    public List<String> addrs() {
        List<String> addrs = new ArrayList<>();
        ready.path("addrs").forEach(a -> addrs.add(a.asText()));
        return addrs;
    }

    /** Sends {@code quit} (clean libp2p stop) and closes stdin; kills the process tree if it has not exited in time. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                send(Map.of("cmd", "quit"));
            } catch (UncheckedIOException e) {
                // already exiting; close() below waits or kills
            }
        }
        process.close();
    }

    @Override
    public String toString() {
        return process + (ready == null ? "" : " " + peerId());
    }

    /** Command-line options of {@code peer.mjs}; {@link #start()} launches it. */
    public static final class PeerOptions {
        private final List<String> args = new ArrayList<>();

        private PeerOptions() {
        }

        /** Listen address (repeatable); peer.mjs defaults to {@code /ip4/127.0.0.1/tcp/0}. */
        public PeerOptions listen(String multiaddr) {
            return add("--listen", multiaddr);
        }

        /** Identity key file, created by peer.mjs when absent; without it the identity is random per run. */
        public PeerOptions key(Path file) {
            return add("--key", file.toAbsolutePath().toString());
        }

        /** swarm.key of the private network to join. */
        public PeerOptions psk(Path file) {
            return add("--psk", file.toAbsolutePath().toString());
        }

        /** Reads each inbound stream of {@code protocol} to its end and emits {@code recv} (repeatable). */
        public PeerOptions handle(String protocol) {
            return add("--handle", protocol);
        }

        /** Echoes each inbound stream of {@code protocol} and emits {@code echoed} (repeatable). */
        public PeerOptions echo(String protocol) {
            return add("--echo", protocol);
        }

        /** Also emits {@code connect}/{@code disconnect} events. */
        public PeerOptions verbose() {
            args.add("--verbose");
            return this;
        }

        public JsPeer start() {
            return JsPeer.start("peer.mjs", args);
        }

        private PeerOptions add(String option, String value) {
            args.add(option);
            args.add(value);
            return this;
        }
    }
}
