package org.opencloud.discovery.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.pnet.SwarmKey;

/** Key and swarm.key files written by one implementation read the same in the other. */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class KeyInteropTest {
    @TempDir
    Path dir;

    @BeforeEach
    void install() {
        JsPeer.install();
    }

    private static JsonNode runOnce(String script, String... args) {
        List<JsonNode> out = JsPeer.run(script, Interop.TIMEOUT, args);
        assertEquals(1, out.size(), out::toString);
        return out.get(0);
    }

    @Test
    void keyWrittenByJsReadsInJavaToTheSamePeerId() {
        Path file = dir.resolve("js.key");
        JsonNode js = JsPeer.genKey(file);
        assertEquals(js.path("peerId").asText(), KeyFiles.readIdentity(file).peerId().toString());
    }

    @Test
    void keyWrittenByJavaReadsInJsToTheSamePeerId() {
        Path file = dir.resolve("java.key");
        PrivateKey key = PrivateKey.generate();
        KeyFiles.writePrivate(file, key.toProtobuf());
        JsonNode js = runOnce("gen-key.mjs", "--show", file.toString());
        assertEquals(key.peerId().toString(), js.path("peerId").asText(), js::toString);
    }

    @Test
    void swarmKeyWrittenByJavaPassesJsCheckWithTheSameFingerprint() {
        Path file = dir.resolve("swarm.key");
        SwarmKey key = SwarmKey.generate();
        key.write(file);
        JsonNode js = runOnce("gen-psk.mjs", "--check", file.toString());
        assertEquals(key.fingerprint(), js.path("fingerprint").asText(), js::toString);
    }

    @Test
    void swarmKeyWrittenByJsReadsInJavaWithTheSameFingerprint() {
        Path file = dir.resolve("swarm.key");
        JsonNode js = JsPeer.genPsk(file);
        assertEquals(js.path("fingerprint").asText(), SwarmKey.read(file).fingerprint());
    }
}
