package org.opencloud.discovery.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The layers of a node's settings, in the documented order (what the process-level tests rely on). */
class NodePropertiesTest {
    @TempDir
    Path dir;

    @Test
    void environmentNamesAreTheKeysInUpperCaseWithUnderscores() {
        assertEquals("OC_MONGO_CACHE_TTL_MS", NodeProperties.environmentName("oc.mongo.cache-ttl-ms"));
        assertEquals("CAMEL_COMPONENT_LIBP2P_LISTENADDRESSES",
                NodeProperties.environmentName("camel.component.libp2p.listenAddresses"));
    }

    @Test
    void embeddingCodeBeatsSystemPropertiesWhichBeatTheEnvironment() {
        Properties system = new Properties();
        system.setProperty("oc.nats.servers", "nats://from-d:4222");
        system.setProperty("oc.data-dir", "/from-d");
        Properties out = NodeProperties.overrides(null,
                Map.of("OC_NATS_SERVERS", "nats://from-env:4222", "OC_DATA_DIR", "/from-env",
                        "OC_APP_NAME", "from-env"),
                system, Map.of("oc.data-dir", "/embedded"));
        assertEquals("from-env", out.getProperty("oc.app-name"));
        assertEquals("nats://from-d:4222", out.getProperty("oc.nats.servers"));
        assertEquals("/embedded", out.getProperty("oc.data-dir"));
    }

    @Test
    void componentOptionsKeepTheSpellingOfTheKeyTheyOverride() throws Exception {
        Path file = Files.writeString(dir.resolve("node.properties"), "camel.component.libp2p.swarmKeyFile = a.key\n");
        Properties out = NodeProperties.overrides(file, Map.of(
                "CAMEL_COMPONENT_LIBP2P_LISTENADDRESSES", "/ip4/127.0.0.1/tcp/5000",
                "CAMEL_COMPONENT_LIBP2P_SWARMKEYFILE", "/etc/oc/swarm.key",
                "CAMEL_COMPONENT_LIBP2P_MAXCONNECTIONS", "10",
                "CAMEL_MANAGEMENT_PORT", "9000"), new Properties(), Map.of());
        // named in the defaults or the operator's file: that key, so the file's value cannot win by spelling
        assertEquals("/ip4/127.0.0.1/tcp/5000", out.getProperty("camel.component.libp2p.listenAddresses"));
        assertEquals("/etc/oc/swarm.key", out.getProperty("camel.component.libp2p.swarmKeyFile"));
        assertFalse(out.containsKey("camel.component.libp2p.listenaddresses"));
        // named nowhere: lower case, which Camel binds to the option whatever its case
        assertEquals("10", out.getProperty("camel.component.libp2p.maxconnections"));
        // a *_PORT name, which camel-main itself skips
        assertEquals("9000", out.getProperty("camel.management.port"));
    }
}
