package org.opencloud.discovery.camel;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.Host;

import java.nio.file.Path;
import java.util.function.Consumer;

/** A CamelContext with its own libp2p component on 127.0.0.1, a fresh identity, any free port. */
final class Libp2pNode implements AutoCloseable {
    final DefaultCamelContext context = new DefaultCamelContext();
    final Libp2pComponent component = new Libp2pComponent();

    private Libp2pNode() {
    }

    static Libp2pNode start(Path dir, String name) throws Exception {
        return start(dir, name, component -> { });
    }

    static Libp2pNode start(Path dir, String name, Consumer<Libp2pComponent> configure) throws Exception {
        Libp2pNode node = new Libp2pNode();
        node.context.getCamelContextExtension().setName(name);
        node.component.setIdentityKeyFile(dir.resolve(name + ".key").toString());
        node.component.setListenAddresses("/ip4/127.0.0.1/tcp/0");
        configure.accept(node.component);
        node.context.addComponent("libp2p", node.component);
        node.context.start();
        return node;
    }

    Libp2pNode routes(RoutesBuilder routes) throws Exception {
        context.addRoutes(routes);
        return this;
    }

    PeerId peerId() {
        return component.activeHost().peerId();
    }

    /** Where other nodes dial this one: its bound address with /p2p/. */
    Multiaddr address() {
        return dialAddress(component);
    }

    /** Where other nodes dial a started component's host: its first bound address with /p2p/. */
    static Multiaddr dialAddress(Libp2pComponent component) {
        Host host = component.activeHost();
        return host.listenAddresses().get(0).withPeerId(host.peerId());
    }

    MockEndpoint mock(String name) {
        return context.getEndpoint("mock:" + name, MockEndpoint.class);
    }

    Exchange send(String uri, Object body) {
        return context.createFluentProducerTemplate().to(uri).withBody(body).send();
    }

    @Override
    public void close() {
        context.stop();
    }
}
