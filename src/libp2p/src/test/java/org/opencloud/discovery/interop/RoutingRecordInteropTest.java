package org.opencloud.discovery.interop;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.record.InvalidRecordException;
import org.opencloud.discovery.p2p.record.RoutingRecord;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signed peer records made by js-libp2p ({@code @libp2p/peer-record}) open in Java, and ours open in js. */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class RoutingRecordInteropTest {
    private static final List<String> ADDRESSES = List.of("/ip4/127.0.0.1/tcp/4001", "/dns4/node-b/tcp/4001");

    @TempDir
    Path dir;

    @BeforeEach
    void install() {
        JsPeer.install();
    }

    @Test
    void aRecordSealedByJsOpensInJava() {
        Path keyFile = dir.resolve("js.key");
        JsonNode key = JsPeer.genKey(keyFile);
        JsonNode sealed = runOnce("seal", keyFile.toString(), ADDRESSES.get(0), ADDRESSES.get(1));

        RoutingRecord record = RoutingRecord.open(HexFormat.of().parseHex(sealed.path("envelope").asText()));
        assertEquals(key.path("peerId").asText(), record.peerId().toString());
        assertEquals(Long.parseLong(sealed.path("seq").asText()), record.seq());
        assertEquals(ADDRESSES, record.addresses().stream().map(Multiaddr::toString).toList());
    }

    @Test
    void aRecordSealedByJavaOpensInJsAndATamperedOneDoesNot() {
        PrivateKey key = PrivateKey.generate();
        KeyFiles.writePrivate(dir.resolve("java.key"), key.toProtobuf());
        byte[] envelope = RoutingRecord.of(key, ADDRESSES.stream().map(Multiaddr::of).toList()).seal(key).toBytes();

        JsonNode opened = runOnce("open", HexFormat.of().formatHex(envelope));
        assertEquals(key.peerId().toString(), opened.path("peerId").asText());
        assertEquals(key.peerId().toString(), opened.path("signer").asText());
        assertEquals(ADDRESSES.toString(), opened.path("addrs").toString().replace("\"", "").replace(",", ", "));

        envelope[envelope.length - 1] ^= 1;
        String tampered = HexFormat.of().formatHex(envelope);
        AssertionError refused = assertThrows(AssertionError.class, () -> runOnce("open", tampered));
        assertTrue(refused.getMessage().contains("exited with 1"), refused.getMessage());
        assertThrows(InvalidRecordException.class, () -> RoutingRecord.open(HexFormat.of().parseHex(tampered)));
    }

    private static JsonNode runOnce(String... args) {
        List<JsonNode> out = JsPeer.run("peer-record.mjs", Interop.TIMEOUT, args);
        assertEquals(1, out.size(), out::toString);
        return out.get(0);
    }
}
