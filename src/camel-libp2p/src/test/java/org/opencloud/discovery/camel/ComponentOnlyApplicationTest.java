package org.opencloud.discovery.camel;

import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * camel-libp2p used alone, as any Camel application uses a third-party component such as camel-nats:
 * two camel-main applications in one JVM (test resources {@code greeting/sender} and
 * {@code greeting/receiver}), each an {@code application.properties} setting only
 * {@code camel.component.libp2p.*} and a YAML route file. The sender's route delivers a greeting to
 * the receiver's route over loopback TCP. None of the product is on this class path.
 */
class ComponentOnlyApplicationTest {
    private static final String PROTOCOL = "/example/greeting/1.0";

    @TempDir
    Path dir;
    private final Deque<Main> started = new ArrayDeque<>();

    @AfterEach
    void stop() {
        while (!started.isEmpty()) {
            started.pop().stop();
        }
    }

    @Test
    void theProductIsNotOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.opencloud.discovery.node.Node"));
    }

    @Test
    void theSendersYamlRouteDeliversTheGreetingToTheReceiversYamlRoute() throws InterruptedException {
        Main receiver = application("receiver", Map.of());
        String receiverAddress = Libp2pNode.dialAddress(libp2p(receiver)).toString();
        Main sender = application("sender", Map.of("greeting.receiver", receiverAddress));
        MockEndpoint greetings = receiver.getCamelContext().getEndpoint("mock:greetings", MockEndpoint.class);
        greetings.expectedBodiesReceived("hello from the sender");
        greetings.expectedHeaderReceived(Libp2pConstants.PEER_ID, libp2p(sender).activeHost().peerId().toString());
        greetings.expectedHeaderReceived(Libp2pConstants.PROTOCOL, PROTOCOL);

        sender.getCamelContext().createProducerTemplate().sendBody("direct:send", "hello from the sender");

        greetings.assertIsSatisfied(10_000);
    }

    /** Starts the application under test resources greeting/{name}, with these properties given at start. */
    private Main application(String name, Map<String, String> given) {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("classpath:greeting/" + name + "/application.properties");
        main.addInitialProperty("greeting.dataDir", dir.toString());
        given.forEach(main::addInitialProperty);
        main.start();
        started.push(main);
        return main;
    }

    private static Libp2pComponent libp2p(Main application) {
        return application.getCamelContext().getComponent("libp2p", Libp2pComponent.class);
    }
}
