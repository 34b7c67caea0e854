package org.opencloud.discovery.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a node running as its own process holds, read from outside: RSS and threads from
 * {@code /proc/<pid>/status}, file descriptors from {@code /proc/<pid>/fd}, heap after a full GC from
 * {@code jcmd GC.heap_info}, and direct memory as native memory tracking's "Other" category (the JDK's
 * direct buffers and Netty's own off-heap buffers; -1 unless the node runs with
 * {@code -XX:NativeMemoryTracking=summary}).
 */
record ProcessSnapshot(long rssKib, long heapAfterGcKib, long directKib, long threads, long fds) {
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
    private static final Pattern OTHER = Pattern.compile("-\\s+Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    static ProcessSnapshot take(long pid) {
        jcmd(pid, "GC.run");
        List<String> status = readLines(Path.of("/proc", String.valueOf(pid), "status"));
        return new ProcessSnapshot(field(status, "VmRSS:"), match(HEAP_USED, jcmd(pid, "GC.heap_info")),
                direct(pid), field(status, "Threads:"), fds(pid));
    }

    private static long direct(long pid) {
        String summary = jcmd(pid, "VM.native_memory", "summary");
        return summary.contains("Native memory tracking is not enabled") ? -1 : match(OTHER, summary);
    }

    private static long field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name)).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in the process status"));
    }

    private static long match(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new AssertionError("jcmd said nothing matching " + pattern + ":\n" + output);
        }
        return Long.parseLong(m.group(1));
    }

    private static long fds(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> readLines(Path path) {
        try {
            return Files.readAllLines(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jcmd(long pid, String... command) {
        List<String> line = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
        line.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("jcmd " + String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return String.format("RSS %d MiB, heap after GC %d MiB, direct %s, %d threads, %d fds", rssKib >> 10,
                heapAfterGcKib >> 10, directKib < 0 ? "untracked" : (directKib >> 10) + " MiB", threads, fds);
    }
}
