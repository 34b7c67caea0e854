package org.opencloud.discovery.propagation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** The node's store files: the node's user's alone (mode 0600, their data directory 0700 when this creates it). */
public final class OwnerOnlyFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {
    }

    /**
     * {@code fileName} in {@code dataDirectory}, created empty with mode 0600 if missing (before a store opens it,
     * which would create it with the umask's mode), set to 0600 if present; the directory is created if needed.
     */
    public static Path prepare(Path dataDirectory, String fileName, String what) {
        Path file = dataDirectory.resolve(fileName).toAbsolutePath();
        try {
            Files.createDirectories(dataDirectory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
            } else {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the " + what + "'s file " + file, e);
        }
        return file;
    }
}
