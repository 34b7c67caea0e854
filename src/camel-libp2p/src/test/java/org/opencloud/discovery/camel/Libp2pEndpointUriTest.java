package org.opencloud.discovery.camel;

import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How route URIs map to endpoint options; no host is started. */
class Libp2pEndpointUriTest {
    private static final String PEER = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
    private final DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void theProtocolKeepsItsLeadingSlashNextToQueryOptions() {
        Libp2pEndpoint endpoint = context.getEndpoint(
                "libp2p:/opencloud/resource/create/1.0?peerId=" + PEER + "&timeout=5s&maxMessageSize=1024",
                Libp2pEndpoint.class);
        Libp2pConfiguration configuration = endpoint.getConfiguration();
        assertEquals("/opencloud/resource/create/1.0", configuration.getProtocol());
        assertEquals(PEER, configuration.getPeerId());
        assertEquals(5000, configuration.getTimeout());
        assertEquals(1024, configuration.getMaxMessageSize());
    }

    @Test
    void endpointsInheritTheComponentsMessageLimit() {
        assertEquals(4 << 20, context.getEndpoint("libp2p:/a/1.0", Libp2pEndpoint.class)
                .getConfiguration().getMaxMessageSize());
    }

    @Test
    void aProtocolWithoutLeadingSlashIsRejected() {
        assertThrows(ResolveEndpointFailedException.class, () -> context.getEndpoint("libp2p://opencloud/x/1.0"));
    }
}
