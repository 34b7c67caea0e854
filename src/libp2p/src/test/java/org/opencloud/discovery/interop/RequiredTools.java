package org.opencloud.discovery.interop;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Skips, or under {@code CI=true} fails, tests whose outside programs are missing ({@link RequiresTools}).
 * Decided before the class starts, so a skip is reported with its reason rather than as "0 tests" (what an
 * assumption failing in {@code @BeforeAll} gives).
 */
public final class RequiredTools implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        RequiresTools required = context.getElement().map(e -> e.getAnnotation(RequiresTools.class)).orElse(null);
        if (required == null) {
            return ConditionEvaluationResult.enabled("no outside tools needed here");
        }
        List<String> missing = new ArrayList<>();
        for (String command : required.commands()) {
            if (!JsonLineProcess.onPath(command)) {
                missing.add(command + " (not on PATH)");
            }
        }
        for (String path : required.paths()) {
            if (!Files.exists(Path.of(path))) {
                missing.add(path);
            }
        }
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("found " + String.join(", ", required.commands()));
        }
        String reason = "missing " + String.join(", ", missing)
                + (required.install().isEmpty() ? "" : " (install: " + required.install() + ")");
        if (onCi()) {
            throw new ExtensionConfigurationException("CI=true and " + reason + ": .ci/run must install it");
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    /** For code outside an annotated class (benchmark helpers): the same rule as an assumption. */
    public static void require(String command, String install) {
        if (JsonLineProcess.onPath(command)) {
            return;
        }
        String reason = "missing " + command + " (not on PATH; install: " + install + ")";
        if (onCi()) {
            throw new IllegalStateException("CI=true and " + reason + ": .ci/run must install it");
        }
        Assumptions.abort(reason);
    }

    private static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
