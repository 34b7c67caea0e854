package org.opencloud.discovery.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.interop.RequiresTools;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the demo as a user does, in a JVM of its own, and reads what it prints and logs. */
@RequiresTools(commands = "nats-server", install = "Debian: nats-server")
class DemoTest {
    private static final long TIMEOUT_SECONDS = 90;
    private static final Pattern PEER_ID = Pattern.compile("12D3KooW[1-9A-HJ-NP-Za-km-z]+");
    // a logback line (" INFO ", " WARN ", ...) or a Camel logger's name, full or abbreviated
    private static final Pattern LOG_LINE = Pattern.compile(" (TRACE|DEBUG|INFO|WARN|ERROR) |o\\.a\\.c\\.|org\\.apache\\.camel");

    @Test
    void tellsAShortStoryAndLogsTheNodesToItsFile(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("demo");
        Path stdoutFile = tmp.resolve("stdout.txt");
        Path stderrFile = tmp.resolve("stderr.txt");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process demo = new ProcessBuilder(java.toString(), "-cp", absoluteClassPath(), Demo.class.getName(),
                dir.toString()).redirectOutput(stdoutFile.toFile()).redirectError(stderrFile.toFile()).start();
        boolean exited = demo.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!exited) { // its nats-servers too, which would outlive it
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly().waitFor();
        }
        String stdout = Files.readString(stdoutFile);
        String stderr = Files.readString(stderrFile);
        String shown = "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;

        assertTrue(exited, "the demo still ran after " + TIMEOUT_SECONDS + " s" + shown);
        assertEquals(0, demo.exitValue(), "exit code" + shown);
        List<String> lines = stdout.lines().toList();
        assertTrue(lines.size() <= 20, lines.size() + " lines on stdout" + shown);
        List<String> peerIds = PEER_ID.matcher(stdout).results().map(MatchResult::group).distinct().toList();
        assertEquals(2, peerIds.size(), "both nodes' peer ids" + shown);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("published") && l.contains("PROPALGATION_EVENT")
                && l.contains("PB_CREATE")), "the published event" + shown);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("arrived") && l.contains("CREATE_RESOURCE")),
                "the arrived CREATE_RESOURCE" + shown);
        assertTrue(lines.stream().anyMatch(l -> l.contains("decodes to:") && l.contains("\"name\":\"demo dataset\"")),
                "the decoded payload" + shown);
        for (String line : (stdout + stderr).lines().toList()) {
            assertFalse(LOG_LINE.matcher(line).find(), "a log line on the console: " + line + shown);
        }

        Path log = dir.resolve("demo.log");
        assertTrue(stdout.contains("logs: " + log), "names the log file" + shown);
        assertTrue(Files.isRegularFile(log), log + " written");
        String logged = Files.readString(log);
        assertTrue(logged.contains("Apache Camel"), "Camel's logs in " + log);
        for (String peerId : peerIds) {
            assertTrue(logged.contains("libp2p host " + peerId), "node " + peerId + "'s libp2p host in " + log);
        }
    }

    /** This JVM's class path with absolute entries (surefire's may be one manifest-only jar, which works too). */
    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
