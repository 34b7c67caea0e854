package org.opencloud.discovery.camel;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.pnet.SwarmKey;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Nodes that share a swarm.key talk; a node with another key cannot deliver. */
class Libp2pPrivateNetworkTest {
    @TempDir
    Path dir;
    private final List<Libp2pNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Libp2pNode::close);
    }

    private Libp2pNode node(String name, Path swarmKey) throws Exception {
        Libp2pNode node = Libp2pNode.start(dir, name, c -> {
            c.setSwarmKeyFile(swarmKey.toString());
            c.setPrivateNetworkRequired(true);
        });
        nodes.add(node);
        return node;
    }

    private Path swarmKey(String name) {
        Path file = dir.resolve(name);
        SwarmKey.generate().write(file);
        return file;
    }

    @Test
    void membersDeliverAndOutsidersCannot() throws Exception {
        Path network = swarmKey("network.key");
        Libp2pNode b = node("b", network).routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("libp2p:/test/msg/1.0").to("mock:got");
            }
        });
        Libp2pNode a = node("a", network);
        Libp2pNode outsider = node("outsider", swarmKey("other.key"));
        MockEndpoint got = b.mock("got");
        got.expectedBodiesReceived("member");
        String toB = "libp2p:/test/msg/1.0?timeout=3000&peerAddress=" + b.address();

        Exchange fromMember = a.send(toB, "member");
        Exchange fromOutsider = outsider.send(toB, "outsider");

        assertNull(fromMember.getException());
        // Under another key the outsider reads noise: it fails on a garbled multistream message, or,
        // when the garbage happens to announce a short one, waits for it until the producer's timeout.
        assertInstanceOf(Libp2pProducerException.class, fromOutsider.getException());
        got.assertIsSatisfied(10_000);
    }

    @Test
    void aRequiredPrivateNetworkWithoutKeyRefusesToStart() {
        assertThrows(Exception.class, () -> nodes.add(Libp2pNode.start(dir, "open",
                c -> c.setPrivateNetworkRequired(true))));
    }
}
