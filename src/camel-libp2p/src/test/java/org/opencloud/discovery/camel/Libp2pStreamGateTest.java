package org.opencloud.discovery.camel;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.StreamGate;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The component's streamGate options: a refused consumer never gets an exchange, repeated refusals back the sender off. */
class Libp2pStreamGateTest {
    @TempDir
    Path dir;
    private Libp2pNode a;
    private Libp2pNode b;

    @BeforeEach
    void start() throws Exception {
        StreamGate closedToAll = (peer, protocol) -> protocol.equals("/test/closed/1.0") ? "closed to " + peer : null;
        b = Libp2pNode.start(dir, "b", component -> {
            component.setStreamGate(closedToAll);
            component.setStreamRefusalsBeforeBackoff(2);
        }).routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("libp2p:/test/open/1.0").to("mock:open");
                from("libp2p:/test/closed/1.0").to("mock:closed");
            }
        });
        a = Libp2pNode.start(dir, "a");
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private Exchange toB(String protocol) {
        return a.send("libp2p:" + protocol + "?peerAddress=" + b.address(), "hello");
    }

    @Test
    void aRefusedStreamFailsTheSenderAndNeverReachesTheRoute() throws Exception {
        MockEndpoint open = b.mock("open");
        open.expectedBodiesReceived("hello");

        assertInstanceOf(Libp2pProducerException.class, toB("/test/closed/1.0").getException());
        assertNull(toB("/test/open/1.0").getException());

        open.assertIsSatisfied();
        assertEquals(0, b.mock("closed").getReceivedCounter());
        Host host = b.component.activeHost();
        assertEquals(1, host.refusedStreams());
        assertEquals(0, host.peerBackoffs());
    }

    @Test
    void repeatedRefusalsBackTheSenderOff() {
        assertInstanceOf(Libp2pProducerException.class, toB("/test/closed/1.0").getException());
        assertInstanceOf(Libp2pProducerException.class, toB("/test/closed/1.0").getException());

        assertEquals(1, b.component.activeHost().peerBackoffs());
        assertInstanceOf(Libp2pProducerException.class, toB("/test/open/1.0").getException(),
                "a backed-off peer cannot connect, whatever it sends");
        assertEquals(0, b.mock("open").getReceivedCounter());
    }
}
