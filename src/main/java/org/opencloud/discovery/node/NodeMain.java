package org.opencloud.discovery.node;

import org.apache.camel.main.Main;

/**
 * Runs the node with camel-main: the built-in defaults ({@code oc-discovery-defaults.properties}),
 * overridden by the operator's properties file ({@code config/application.properties} unless another
 * is named), then by environment variables and system properties as camel-main allows.
 */
public final class NodeMain {
    public static final String DEFAULT_CONFIG = "config/application.properties";

    private NodeMain() {
    }

    public static void run(String configFile) throws Exception {
        Main main = new Main();
        // the first location that defines a key wins: the operator's file before the defaults
        main.setPropertyPlaceholderLocations(
                "file:" + configFile + ";optional=true,classpath:oc-discovery-defaults.properties");
        main.configure().addConfiguration(NodeConfiguration.class);
        main.run();
    }
}
