package org.opencloud.discovery.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test fails, prints the end of the stderr of each child process it ran ({@link JsonLineProcess}),
 * those its class started before the first test included. A CI log then shows why a js or Go peer reset a
 * stream or exited, not only that it did: the log files stay behind on the CI machine only.
 */
public final class ChildLogsOnFailure implements BeforeAllCallback, BeforeEachCallback, TestWatcher {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ChildLogsOnFailure.class);
    private static final int TAIL_LINES = 60;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("classStart", JsonLineProcess.stderrLogs().size());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        int started = JsonLineProcess.stderrLogs().size();
        context.getParent().orElseThrow().getStore(NAMESPACE).getOrComputeIfAbsent("classSetupEnd", k -> started);
        context.getStore(NAMESPACE).put("testStart", started);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        List<Path> logs = JsonLineProcess.stderrLogs();
        ExtensionContext.Store classStore = context.getParent().orElseThrow().getStore(NAMESPACE);
        List<Path> ran = new ArrayList<>(logs.subList(
                classStore.getOrDefault("classStart", Integer.class, 0),
                classStore.getOrDefault("classSetupEnd", Integer.class, 0)));
        ran.addAll(logs.subList(context.getStore(NAMESPACE).getOrDefault("testStart", Integer.class, logs.size()),
                logs.size()));
        String test = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName()
                + " " + context.getDisplayName();
        StringBuilder report = new StringBuilder();
        for (Path log : ran) {
            report.append("---- ").append(test).append(" failed; end of ").append(log).append('\n')
                    .append(tail(log));
        }
        if (!report.isEmpty()) {
            System.out.print(report);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
            return last.isEmpty() ? "(empty)\n" : String.join("\n", last) + "\n";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")\n";
        }
    }
}
