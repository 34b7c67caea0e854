package org.opencloud.discovery.e2e;

import io.nats.NatsServerRunner;

import java.nio.file.Path;

/**
 * The tests' nats-servers through jnats-server-runner, which by default gives a server 1 s to start and 200 ms to
 * answer: on two loaded cores a server with JetStream took longer, and the test failed before it began. These
 * wait up to 5 s for the process and 4 s for its first answer, and say why a server did not start.
 */
public final class NatsServerRunners {
    private NatsServerRunners() {
    }

    public static NatsServerRunner.Builder builder() {
        return NatsServerRunner.builder().processCheckTries(50).connectValidateTries(40)
                .connectValidateSubsequentDelay(100L).fullErrorReportOnStartup(true);
    }

    /**
     * With JetStream, its store in {@code storeDir}: nats-server's default, /tmp/nats/jetstream, is shared by every
     * server on the machine, and streams an earlier run left there met later tests (a stream of one message, full
     * from the run before, refused a test's first publish: "maximum messages exceeded").
     */
    public static NatsServerRunner.Builder withJetStream(Path storeDir) {
        return builder().jetstream(true).customArgs(new String[] {"-sd", storeDir.toString()});
    }
}
