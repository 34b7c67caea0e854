package org.opencloud.discovery.camel;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Messages from node A's routes to node B's routes, over real loopback TCP. */
class Libp2pDeliveryTest {
    @TempDir
    Path dir;
    private Libp2pNode a;
    private Libp2pNode b;

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void javaDslRouteDeliversTheBodyByteExactWithSenderHeaders() throws Exception {
        b = Libp2pNode.start(dir, "b").routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("libp2p:/test/msg/1.0").to("mock:got");
            }
        });
        a = Libp2pNode.start(dir, "a").routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:send").to("libp2p:/test/msg/1.0?peerAddress=" + b.address());
            }
        });
        byte[] body = new byte[100_000];
        new Random(1).nextBytes(body);
        MockEndpoint got = b.mock("got");
        got.expectedMessageCount(1);

        Exchange sent = a.send("direct:send", body);

        assertNull(sent.getException());
        got.assertIsSatisfied(10_000);
        Message received = got.getExchanges().get(0).getIn();
        assertArrayEquals(body, received.getBody(byte[].class));
        assertEquals(a.peerId().toString(), received.getHeader(Libp2pConstants.PEER_ID));
        assertEquals("/test/msg/1.0", received.getHeader(Libp2pConstants.PROTOCOL));
        Libp2pEndpoint served = (Libp2pEndpoint) b.context.getRoutes().get(0).getEndpoint();
        assertEquals("/test/msg/1.0", served.getConfiguration().getProtocol());
        assertArrayEquals(body, sent.getMessage().getBody(byte[].class), "B answered nothing: the body stays");
    }

    @Test
    void yamlRoutesDeliverWithThePeerIdHeader() throws Exception {
        b = Libp2pNode.start(dir, "b");
        loadYaml(b, """
                - route:
                    from:
                      uri: "libp2p:/test/yaml/1.0"
                      steps:
                        - to: "mock:got"
                """);
        a = Libp2pNode.start(dir, "a");
        loadYaml(a, """
                - route:
                    from:
                      uri: "direct:send"
                      steps:
                        - setHeader:
                            name: CamelLibp2pPeerId
                            constant: "%s"
                        - setHeader:
                            name: CamelLibp2pPeerAddresses
                            constant: "%s"
                        - to:
                            uri: "libp2p:/test/yaml/1.0"
                            parameters:
                              timeout: 5s
                """.formatted(b.peerId(), b.address().withoutPeerId()));
        MockEndpoint got = b.mock("got");
        got.expectedMessageCount(1);

        Exchange sent = a.send("direct:send", "{\"hello\":\"yaml\"}\n");

        assertNull(sent.getException());
        got.assertIsSatisfied(10_000);
        Message received = got.getExchanges().get(0).getIn();
        assertEquals("{\"hello\":\"yaml\"}\n", new String(received.getBody(byte[].class), StandardCharsets.UTF_8));
        assertEquals(a.peerId().toString(), received.getHeader(Libp2pConstants.PEER_ID));
        assertEquals("/test/yaml/1.0", received.getHeader(Libp2pConstants.PROTOCOL));
    }

    @Test
    void peerIdAloneIsDialledThroughTheResolver() throws Exception {
        b = Libp2pNode.start(dir, "b").routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("libp2p:/test/msg/1.0").to("mock:got");
            }
        });
        a = Libp2pNode.start(dir, "a", c -> c.setPeerAddressResolver(peer -> java.util.List.of(b.address())));
        MockEndpoint got = b.mock("got");
        got.expectedBodiesReceived("via the directory");

        Exchange sent = a.send("libp2p:/test/msg/1.0?peerId=" + b.peerId(), "via the directory");

        assertNull(sent.getException());
        got.assertIsSatisfied(10_000);
    }

    private static void loadYaml(Libp2pNode node, String yaml) throws Exception {
        PluginHelper.getRoutesLoader(node.context).loadRoutes(ResourceHelper.fromString("routes.yaml", yaml));
    }
}
