package org.opencloud.discovery.interop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A child process driven by JSON lines: events arrive on its stdout, commands go to its stdin. Its
 * stdout transcript and stderr go to {@code <logDir>/<name>.stdout.log} and {@code .stderr.log}.
 * Processes still running at JVM exit are killed, since some keep running when their stdin closes.
 */
public final class JsonLineProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EXIT_GRACE = Duration.ofSeconds(5);
    private static final Set<JsonLineProcess> OPEN = ConcurrentHashMap.newKeySet();
    /** Every process's stderr log, in start order, for {@link ChildLogsOnFailure}. */
    private static final List<Path> STDERR_LOGS = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(p -> killTree(p.process)), "json-line-process-cleanup"));
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final Path stderrLog;
    private final Thread stdoutReader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition eventArrived = lock.newCondition();
    /** Events not yet taken by {@link #awaitEvent}, oldest first. */
    private final List<JsonNode> pending = new ArrayList<>();
    private boolean stdoutEnded;

    /** Starts {@code command} in {@code directory}; {@code name} names its logs and its reader thread. */
    public JsonLineProcess(String name, List<String> command, Path directory, Path logDir) {
        this(name, command, Map.of(), directory, logDir);
    }

    /** As above, with {@code environment} added to this JVM's. */
    public JsonLineProcess(String name, List<String> command, Map<String, String> environment, Path directory,
            Path logDir) {
        this.name = name;
        stderrLog = logDir.resolve(name + ".stderr.log");
        Path stdoutLog = logDir.resolve(name + ".stdout.log");
        try {
            Files.createDirectories(logDir);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectError(stderrLog.toFile());
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        OPEN.add(this);
        STDERR_LOGS.add(stderrLog);
        stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        stdoutReader = new Thread(() -> readEvents(stdoutLog), "json-lines-" + name);
        stdoutReader.setDaemon(true);
        stdoutReader.start();
    }

    /** The stderr logs of the processes started so far, oldest first. */
    static List<Path> stderrLogs() {
        return List.copyOf(STDERR_LOGS);
    }

    /** True when {@code command} is an executable on PATH. */
    public static boolean onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    /** Kills {@code process} and everything it started. */
    static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void readEvents(Path stdoutLog) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer transcript = Files.newBufferedWriter(stdoutLog)) {
            for (String line; (line = lines.readLine()) != null; ) {
                transcript.write(line + "\n");
                transcript.flush();
                JsonNode event;
                try {
                    event = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    continue; // not an event; kept in the transcript only
                }
                lock.lock();
                try {
                    pending.add(event);
                    eventArrived.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            // the stream closes under us when the process is killed; treated as end of output
        } finally {
            lock.lock();
            try {
                stdoutEnded = true;
                eventArrived.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Takes the oldest not yet taken event that matches {@code predicate}, waiting up to {@code timeout}.
     * Events that do not match stay available to later calls. Fails when the timeout passes or the
     * process exits first, listing the events that did not match.
     */
    public JsonNode awaitEvent(Predicate<JsonNode> predicate, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                for (int i = 0; i < pending.size(); i++) {
                    if (predicate.test(pending.get(i))) {
                        return pending.remove(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (stdoutEnded || left <= 0) {
                    throw new AssertionError(name + (stdoutEnded ? " exited" : " sent nothing matching within " + timeout)
                            + "; unmatched events: " + pending + "; stderr in " + stderrLog);
                }
                eventArrived.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for an event from " + name, e);
        } finally {
            lock.unlock();
        }
    }

    /** {@link #awaitEvent(Predicate, Duration)} for the next event named {@code event} (its {@code "event"} field). */
    public JsonNode awaitEvent(String event, Duration timeout) {
        return awaitEvent(e -> event.equals(e.path("event").asText()), timeout);
    }

    /** Writes one command line, e.g. {@code Map.of("cmd", "ping", "to", addr)}. */
    public void send(Map<String, ?> command) {
        try {
            synchronized (stdin) {
                stdin.write(JSON.writeValueAsString(command) + "\n");
                stdin.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + name + " (stderr in " + stderrLog + ")", e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to exit on its own and returns its exit code; fails after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout + "; stderr in " + stderrLog);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name + " to exit", e);
        }
    }

    /** Closes stdin; kills the process tree if it has not exited in time. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stdin.close();
            } catch (IOException e) {
                // already exiting; the wait below decides
            }
            try {
                if (!process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    killTree(process);
                    process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killTree(process);
            }
        }
        OPEN.remove(this);
        try {
            stdoutReader.join(EXIT_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
