package org.opencloud.discovery.camel;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.rcmgr.ResourceLimits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** camel-main finds the component by its scheme and configures it from camel.component.libp2p.* properties. */
class Libp2pPropertiesTest {
    @TempDir
    Path dir;

    @Test
    void applicationPropertiesConfigureTheComponent() throws Exception {
        try (Libp2pNode b = Libp2pNode.start(dir, "b").routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("libp2p:/test/props/1.0").to("mock:got");
            }
        })) {
            Libp2pPeerAddressResolver directory = peer -> peer.equals(b.peerId()) ? List.of(b.address()) : List.of();
            Path properties = dir.resolve("application.properties");
            Files.writeString(properties, """
                    camel.component.libp2p.identityKeyFile = %s
                    camel.component.libp2p.listenAddresses = /ip4/127.0.0.1/tcp/0
                    camel.component.libp2p.maxMessageSize = 65536
                    camel.component.libp2p.idleTimeout = 30s
                    camel.component.libp2p.agentVersion = props-test/1
                    camel.component.libp2p.peerAddressResolver = #directory
                    camel.component.libp2p.maxMemory = 50331648
                    camel.component.libp2p.maxMemoryPerPeer = 8388608
                    camel.component.libp2p.maxStreamsInboundPerPeer = 32
                    camel.component.libp2p.maxPendingConnections = 16
                    camel.component.libp2p.maxMemoryPerStream = 4194304
                    camel.component.libp2p.maxDeliveriesInFlightPerPeer = 4
                    camel.component.libp2p.maxDeliveriesInFlight = 40
                    target.peer = %s
                    """.formatted(dir.resolve("a.key"), b.peerId()));
            Main main = new Main();
            main.setPropertyPlaceholderLocations("file:" + properties);
            main.bind("directory", directory);
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:send").to("libp2p:/test/props/1.0?peerId={{target.peer}}");
                }
            });
            main.start();
            try {
                Libp2pComponent a = main.getCamelContext().getComponent("libp2p", Libp2pComponent.class);
                assertEquals(65536, a.getMaxMessageSize());
                assertEquals(30_000, a.getIdleTimeout());
                assertSame(directory, a.getPeerAddressResolver());
                ResourceLimits limits = a.activeHost().config().resourceLimits();
                assertEquals(48L << 20, limits.host().memory());
                assertEquals(8L << 20, limits.peer().memory());
                assertEquals(32, limits.peer().streamsInbound());
                assertEquals(16, limits.pending().connectionsInbound());
                assertEquals(4L << 20, limits.stream().memory());
                assertEquals(ResourceLimits.defaults().connection(), limits.connection(), "what is not set keeps its default");
                assertEquals(4, a.getMaxDeliveriesInFlightPerPeer());
                assertEquals(40, a.getMaxDeliveriesInFlight());
                assertTrue(Files.exists(dir.resolve("a.key")), "the identity key file is created on first start");
                MockEndpoint got = b.mock("got");
                got.expectedBodiesReceived("configured by properties");

                main.getCamelContext().createProducerTemplate().sendBody("direct:send", "configured by properties");

                got.assertIsSatisfied(10_000);
                assertEquals(a.activeHost().peerId().toString(),
                        got.getExchanges().get(0).getIn().getHeader(Libp2pConstants.PEER_ID));
            } finally {
                main.stop();
            }
        }
    }

    @Test
    void limitOptionsDefaultToTheStacksLimits() {
        assertEquals(ResourceLimits.defaults(), new Libp2pComponent().resourceLimits());
    }
}
