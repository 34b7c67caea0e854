package org.opencloud.discovery.interop;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class that needs programs outside the JVM: commands on PATH and files (a library's source). Where
 * one is missing its tests are skipped with the reason, and under {@code CI=true} they fail instead, so that
 * a CI machine missing a tool cannot pass silently ({@link RequiredTools}). A failing test prints the end of
 * its child processes' stderr ({@link ChildLogsOnFailure}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({RequiredTools.class, ChildLogsOnFailure.class})
public @interface RequiresTools {
    /** Commands that must be on PATH. */
    String[] commands() default {};

    /** Files or directories that must exist. */
    String[] paths() default {};

    /** How to get them, for the reason shown (a Debian package, for example). */
    String install() default "";
}
