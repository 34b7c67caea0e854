package org.opencloud.discovery;

import org.opencloud.discovery.cli.OperatorCommands;
import org.opencloud.discovery.node.Node;

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
            Node.run(args.length > 1 ? args[1] : Node.DEFAULT_CONFIG);
            return;
        }
        System.exit(OperatorCommands.run(new String[] {"help"}));
    }
}
