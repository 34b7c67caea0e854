package org.opencloud.discovery.node;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.opencloud.discovery.camel.Libp2pComponent;
import org.opencloud.discovery.p2p.host.Host;

import java.nio.file.Path;
import java.util.Map;

/**
 * One oc-discovery node: camel-main with the node's beans and routes, configured in the order
 * {@link NodeProperties} documents (embedding code, {@code -D}, environment, operator's file, defaults).
 */
public final class Node implements AutoCloseable {
    public static final String DEFAULT_CONFIG = "config/application.properties";

    private final Main main;

    private Node(Main main) {
        this.main = main;
    }

    private static Main create(String configFile, Map<String, String> overrides) {
        Main main = new Main();
        // the first location that defines a key wins: the operator's file before the defaults
        main.setPropertyPlaceholderLocations(
                "file:" + configFile + ";optional=true,classpath:" + NodeProperties.DEFAULTS);
        main.setOverrideProperties(NodeProperties.overrides(Path.of(configFile), System.getenv(),
                System.getProperties(), overrides));
        main.configure().addConfiguration(NodeConfiguration.class);
        return main;
    }

    /** Starts a node and returns once its routes run; {@code overrides} beat every other setting. */
    public static Node start(String configFile, Map<String, String> overrides) {
        Main main = create(configFile, overrides);
        main.start();
        return new Node(main);
    }

    /** Runs a node until the JVM is asked to stop (the jar's main job). */
    public static void run(String configFile) throws Exception {
        create(configFile, Map.of()).run();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** The node's libp2p host. */
    public Host host() {
        return context().getComponent("libp2p", Libp2pComponent.class).activeHost();
    }

    @Override
    public void close() {
        main.stop();
    }
}
