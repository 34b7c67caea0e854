package org.opencloud.discovery.p2p.protocol;

import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.protocol.identify.IdentifyService;
import org.opencloud.discovery.p2p.protocol.ping.PingService;

/** Installs what go- and js-libp2p peers expect of every node: identify and ping. */
public final class StandardProtocols {
    private StandardProtocols() {
    }

    /** Serves identify and ping on {@code host}; returns the identify service, which knows the peers' answers. */
    public static IdentifyService install(Host host) {
        PingService.install(host);
        return IdentifyService.install(host);
    }
}
