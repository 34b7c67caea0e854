package org.opencloud.discovery;

import org.opencloud.discovery.cli.OperatorCommands;

/**
 * Entry point of the product jar: an operator command when the first argument names one
 * ({@code keygen}, {@code peerid}, {@code swarmkey}, {@code ping}, {@code send}, {@code listen}),
 * otherwise the node itself.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (OperatorCommands.isCommand(args) || args.length == 0) {
            System.exit(OperatorCommands.run(args));
        }
        System.exit(OperatorCommands.run(new String[] {"help"}));
    }
}
