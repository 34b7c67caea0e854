package org.opencloud.discovery.node;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.opencloud.discovery.camel.Libp2pComponent;
import org.opencloud.discovery.p2p.host.Host;

import java.util.Map;
import java.util.Properties;

/**
 * One oc-discovery node: camel-main with the node's beans and routes. Properties come from the
 * operator's file, then {@code oc-discovery-defaults.properties}; {@code overrides} beat both
 * (tests and the demo run several nodes in one JVM this way).
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
                "file:" + configFile + ";optional=true,classpath:oc-discovery-defaults.properties");
        Properties props = new Properties();
        props.putAll(overrides);
        main.setOverrideProperties(props);
        main.configure().addConfiguration(NodeConfiguration.class);
        return main;
    }

    /** Starts a node and returns once its routes run. */
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
