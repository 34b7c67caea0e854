package org.opencloud.discovery.interop;

import java.nio.file.Path;

/**
 * The project's top directory, where the test peers ({@code src/test/jspeer}, {@code src/test/go}), the routes
 * and the config live, whichever module's tests run: surefire sets {@code oc.project.root}, the benchmark
 * script too; otherwise the working directory.
 */
public final class ProjectPaths {
    private ProjectPaths() {
    }

    public static Path root() {
        return Path.of(System.getProperty("oc.project.root", "")).toAbsolutePath().normalize();
    }
}
