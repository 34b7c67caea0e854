package org.opencloud.discovery.node;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.opencloud.discovery.propagation.directory.PeerStore;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a node needs besides its libp2p host (the component's own {@code libp2p-host} check) to be ready:
 * its NATS connection with the {@code nats-intake:} subscribed (details {@code jetstream}: whether the server has
 * it, {@code intake}: JETSTREAM, or CORE for best effort), and its peer directory. Neither is a liveness check: a
 * node waiting for NATS or MongoDB
 * is alive and reconnects by itself, restarting it would not help.
 */
final class NodeReadinessChecks {
    private static final String GROUP = "oc-discovery";

    private NodeReadinessChecks() {
    }

    static List<HealthCheck> of(NodeNatsConnection nats, IntakeState intake, PeerStore directory) {
        return List.of(new Readiness("nats", builder -> {
            builder.detail("servers", nats.servers()).detail("status", nats.connection().getStatus().name())
                    .detail("jetstream", nats.isJetStreamAvailable()).detail("intake", intake.mode().name());
            if (!nats.isConnected()) {
                builder.message("not connected to NATS at " + nats.servers()).down();
            } else if (intake.mode() == IntakeState.Mode.NOT_SUBSCRIBED) {
                builder.message("not subscribed to the propagation subject yet").down();
            } else {
                builder.up();
            }
        }), new Readiness("peer-directory", builder -> {
            builder.detail("store", directory.describe());
            if (directory.isAvailable()) {
                builder.up();
            } else {
                builder.message("peer directory not available").down();
            }
        }));
    }

    private static final class Readiness extends AbstractHealthCheck {
        private final Consumer<HealthCheckResultBuilder> probe;

        Readiness(String id, Consumer<HealthCheckResultBuilder> probe) {
            super(GROUP, id);
            this.probe = probe;
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            probe.accept(builder);
        }
    }
}
