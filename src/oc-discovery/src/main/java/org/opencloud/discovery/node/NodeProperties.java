package org.opencloud.discovery.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a node's settings come from, the first that sets a key winning:
 * <ol>
 *   <li>the settings of the code that embeds the node ({@link Node#start}: tests, the demo);</li>
 *   <li>Java system properties ({@code -Doc.nats.servers=...});</li>
 *   <li>environment variables: the key in upper case with {@code .} and {@code -} as {@code _}
 *       ({@code OC_NATS_SERVERS}, {@code OC_MONGO_CACHE_TTL_MS}, {@code CAMEL_COMPONENT_LIBP2P_LISTENADDRESSES});</li>
 *   <li>the operator's properties file ({@code run FILE}, default {@code config/application.properties});</li>
 *   <li>the built-in defaults ({@value #DEFAULTS}), which name every key.</li>
 * </ol>
 * camel-main alone does not give this: it drops every {@code CAMEL_COMPONENT_*} variable (its filter compares
 * upper-case names with lower-case prefixes) and every name ending in {@code _PORT} (taken for Kubernetes
 * service links), and resolves placeholders with the environment before system properties. So the node
 * resolves the layers itself into camel-main's override properties, which beat the files, and lets Camel
 * fall back to the environment and system properties only for keys it does not know.
 */
final class NodeProperties {
    static final String DEFAULTS = "oc-discovery-defaults.properties";
    /** Camel's groups that camel-main does not read from the environment, keyed by option names it cannot guess. */
    private static final Set<String> UNMAPPED_CAMEL_GROUPS = Set.of("CAMEL_COMPONENT_", "CAMEL_DATAFORMAT_", "CAMEL_LANGUAGE_");

    private NodeProperties() {
    }

    /** What beats the files: the environment, then system properties, then the embedding code's settings. */
    static Properties overrides(Path operatorFile, Map<String, String> environment, Properties system,
                                Map<String, String> embedded) {
        Properties out = new Properties();
        Set<String> known = knownKeys(operatorFile);
        environment.forEach((name, value) -> {
            for (String group : UNMAPPED_CAMEL_GROUPS) {
                if (name.startsWith(group)) { // binding ignores case; a known key below replaces this spelling
                    out.setProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
                }
            }
        });
        for (String key : known) {
            String value = environment.get(environmentName(key));
            if (value != null) {
                out.remove(key.toLowerCase(Locale.ROOT));
                out.setProperty(key, value);
            }
        }
        for (String key : known) {
            String value = system.getProperty(key);
            if (value != null) {
                out.setProperty(key, value);
            }
        }
        out.putAll(embedded);
        return out;
    }

    /** {@code oc.mongo.cache-ttl-ms} is {@code OC_MONGO_CACHE_TTL_MS}, as Camel's own placeholder lookup spells it. */
    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The keys of the built-in defaults and of the operator's file. */
    private static Set<String> knownKeys(Path operatorFile) {
        Set<String> keys = new TreeSet<>();
        try (InputStream defaults = NodeProperties.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            if (defaults == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the class path");
            }
            Properties p = new Properties();
            p.load(defaults);
            keys.addAll(p.stringPropertyNames());
            if (operatorFile != null && Files.isRegularFile(operatorFile)) {
                try (Reader reader = Files.newBufferedReader(operatorFile, StandardCharsets.UTF_8)) {
                    Properties file = new Properties();
                    file.load(reader);
                    keys.addAll(file.stringPropertyNames());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the node's properties", e);
        }
        return keys;
    }
}
