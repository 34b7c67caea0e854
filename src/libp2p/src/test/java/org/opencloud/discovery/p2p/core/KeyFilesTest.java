package org.opencloud.discovery.p2p.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.core.SpecVectors.hex;

class KeyFilesTest {

    @Test
    void writesMode0600AndRefusesToOverwrite(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys/identity.key");
        KeyFiles.writePrivate(file, new byte[] {1, 2, 3});
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Libp2pException e = assertThrows(Libp2pException.class, () -> KeyFiles.writePrivate(file, new byte[] {9}));
        assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
    }

    @Test
    void loadOrCreateCreatesOnceThenLoadsTheSameIdentity(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("identity.key");
        PrivateKey created = KeyFiles.loadOrCreateIdentity(file);
        assertEquals(68, Files.size(file));
        assertEquals(created.peerId(), KeyFiles.loadOrCreateIdentity(file).peerId());
        assertEquals(created.peerId(), KeyFiles.readIdentity(file).peerId());
    }

    @Test
    void readsTheSpecVectorFileAndNamesTheFileOnError(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("spec.key");
        Files.write(good, hex(SpecVectors.ED25519_PRIVATE));
        assertEquals(SpecVectors.ED25519_PEER_ID, KeyFiles.readIdentity(good).peerId().toString());
        Path bad = dir.resolve("secp.key");
        Files.write(bad, hex(SpecVectors.SECP256K1_PRIVATE));
        Libp2pException e = assertThrows(Libp2pException.class, () -> KeyFiles.readIdentity(bad));
        assertTrue(e.getMessage().contains("secp.key"), e.getMessage());
        assertThrows(Libp2pException.class, () -> KeyFiles.readIdentity(dir.resolve("missing.key")));
    }
}
