package org.opencloud.discovery;

import org.opencloud.discovery.cli.OperatorCommands;
import org.opencloud.discovery.node.Node;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the product jar: an operator command when the first argument names one
 * ({@code keygen}, {@code peerid}, {@code swarmkey}, {@code ping}, {@code send}, {@code listen}, {@code health},
 * {@code help}); otherwise the node, {@code run [PROPERTIES_FILE]}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (OperatorCommands.isCommand(args)) {
            System.exit(OperatorCommands.run(args));
        }
        if (args.length == 0 || args[0].equals("run")) {
            try {
                Node.run(args.length > 1 ? args[1] : Node.DEFAULT_CONFIG);
            } catch (Exception e) {
                // exit whatever a failed start left running (the NATS connection, the directory): an orchestrator
                // restarts or reports a node that ended, not one that hangs without ever being ready
                LoggerFactory.getLogger(Main.class).error("the node cannot start: {}", e.getMessage(), e);
                System.exit(1);
            }
            return;
        }
        System.exit(OperatorCommands.run(new String[] {"help"}));
    }
}
