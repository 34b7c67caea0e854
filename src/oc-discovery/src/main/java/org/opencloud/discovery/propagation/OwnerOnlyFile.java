package org.opencloud.discovery.propagation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** The node's data files: readable and writable by the node's user only (0600, their directory 0700 when made here). */
public final class OwnerOnlyFile {
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFile() {
    }

    /**
     * The absolute path of {@code name} in {@code directory}, created empty with mode 0600 if missing (before a
     * store opens it, which would create it with the umask's mode), or set to 0600 if it exists.
     */
    public static Path prepare(Path directory, String name) {
        Path file = directory.resolve(name).toAbsolutePath();
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
            } else {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the data file " + file, e);
        }
        return file;
    }
}
