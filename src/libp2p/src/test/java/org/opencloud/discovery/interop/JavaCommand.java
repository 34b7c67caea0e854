package org.opencloud.discovery.interop;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The command line that runs a main class in a JVM of its own, with this JVM's java and class path. */
public final class JavaCommand {
    private JavaCommand() {
    }

    /** {@code java [jvmOptions] -cp <this JVM's class path> mainClass [args]}. */
    public static List<String> of(String mainClass, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", absoluteClassPath(), mainClass));
        command.addAll(args);
        return command;
    }

    /** The child may run in another directory: relative class path entries would miss. */
    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
