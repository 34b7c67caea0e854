package org.opencloud.discovery.camel;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.opencloud.discovery.p2p.host.Host;

import java.util.Map;

/** Readiness of the component's libp2p host: UP while it listens. */
public class Libp2pHealthCheck extends AbstractHealthCheck {
    public static final String ID = "libp2p-host";

    private final Libp2pComponent component;

    public Libp2pHealthCheck(Libp2pComponent component) {
        super("camel", ID);
        this.component = component;
    }

    /** A node that cannot take connections should get no traffic, but restarting it would not help. */
    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Host host = component.activeHost();
        if (host == null || !host.isListening()) {
            builder.down().message("the libp2p host is not listening");
            return;
        }
        builder.up()
                .detail("peerId", host.peerId().toString())
                .detail("listenAddresses", host.listenAddresses().toString())
                .detail("privateNetwork", host.config().privateNetworkKey() != null)
                .detail("connectedPeers", host.connectedPeers().size());
    }
}
