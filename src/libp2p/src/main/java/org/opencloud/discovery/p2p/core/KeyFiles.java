package org.opencloud.discovery.p2p.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;

/** Private files (identity keys, swarm.key): read, and written once with mode 0600. */
public final class KeyFiles {
    private KeyFiles() {
    }

    /** Reads the identity key in {@code file} (libp2p protobuf bytes, no armour). */
    public static PrivateKey readIdentity(Path file) {
        try {
            return PrivateKey.fromProtobuf(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new Libp2pException("cannot read key file " + file + ": " + e, e);
        } catch (Libp2pException e) {
            throw new Libp2pException("key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Loads the identity in {@code file}, creating a fresh Ed25519 key there first when the file is absent. */
    public static PrivateKey loadOrCreateIdentity(Path file) {
        if (Files.exists(file)) {
            return readIdentity(file);
        }
        PrivateKey key = PrivateKey.generate();
        writePrivate(file, key.toProtobuf());
        return key;
    }

    /**
     * Writes {@code content} to a new file readable by its owner only (0600 from creation, never wider).
     *
     * @throws Libp2pException if the file exists: keys are never overwritten silently
     */
    public static void writePrivate(Path file, byte[] content) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
            FileAttribute<?>[] attrs = file.getFileSystem().supportedFileAttributeViews().contains("posix")
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(owner)}
                    : new FileAttribute<?>[0];
            Files.write(Files.createFile(file, attrs), content, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new Libp2pException("refusing to overwrite existing file " + file, e);
        } catch (IOException e) {
            throw new Libp2pException("cannot write " + file + ": " + e, e);
        }
    }
}
