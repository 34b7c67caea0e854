package org.opencloud.discovery.node;

import io.nats.client.Connection;
import org.apache.camel.Endpoint;
import org.apache.camel.component.nats.NatsComponent;
import org.apache.camel.component.nats.NatsEndpoint;

import java.util.Map;
import java.util.function.Supplier;

/**
 * camel-nats with the node's connection on every endpoint, so routes say {@code nats:SUBJECT} and nothing
 * about servers. camel-nats only takes a ready connection per endpoint ({@code connection=#bean}); this sets it
 * for all. Endpoints never close a given connection, and do not flush it on stop (it may be reconnecting).
 */
final class SharedConnectionNatsComponent extends NatsComponent {
    private final Supplier<Connection> connection;

    SharedConnectionNatsComponent(Supplier<Connection> connection) {
        this.connection = connection;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        NatsEndpoint endpoint = (NatsEndpoint) super.createEndpoint(uri, remaining, parameters);
        endpoint.getConfiguration().setConnection(connection.get());
        endpoint.getConfiguration().setFlushConnection(false);
        return endpoint;
    }
}
