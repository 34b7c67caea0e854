package org.opencloud.discovery.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the {@code nats-server} binary; where it is missing, installs Debian's package when this
 * process runs as root on a Debian-like system, and otherwise prints the one command that does.
 */
final class NatsServerInstaller {
    static final String INSTALL_COMMAND = "sudo apt-get update && sudo apt-get install -y nats-server";

    private NatsServerInstaller() {
    }

    /** The path of nats-server, or null after printing how to install it. */
    static String locate() throws IOException, InterruptedException {
        String found = onPath();
        if (found != null) {
            return found;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            System.out.println("demo: nats-server is missing; installing Debian's package nats-server");
            int update = new ProcessBuilder("apt-get", "update").inheritIO().start().waitFor();
            int install = update != 0 ? update : new ProcessBuilder("apt-get", "install", "-y", "nats-server")
                    .inheritIO().start().waitFor();
            found = install == 0 ? onPath() : null;
            if (found != null) {
                return found;
            }
        }
        System.out.println("demo: nats-server is not installed. Install it with:\n  " + INSTALL_COMMAND);
        return null;
    }

    private static String onPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "nats-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
