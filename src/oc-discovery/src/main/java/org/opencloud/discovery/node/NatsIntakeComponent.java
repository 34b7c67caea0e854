package org.opencloud.discovery.node;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;

import java.util.Map;

/**
 * {@code nats-intake:SUBJECT}: what apps publish on the node's NATS, taken durably when the server has JetStream
 * (a stream and a durable consumer, each event acknowledged once the route is done with it) and best effort
 * (core NATS) when it has not. camel-nats cannot do this on a shared connection that may not be connected
 * yet: it picks JetStream or core NATS once, from a server INFO that is empty before the first connect, and
 * acknowledges each message when its route hands it on. See {@link NatsIntakeConsumer}.
 */
final class NatsIntakeComponent extends DefaultComponent {
    private final NodeNatsConnection nats;
    private final JetStreamIntakeSettings settings;
    private final IntakeState state;

    NatsIntakeComponent(NodeNatsConnection nats, JetStreamIntakeSettings settings, IntakeState state) {
        this.nats = nats;
        this.settings = settings;
        this.state = state;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String subject, Map<String, Object> parameters) {
        return new IntakeEndpoint(uri, this, subject);
    }

    private static final class IntakeEndpoint extends DefaultEndpoint {
        private final String subject;

        IntakeEndpoint(String uri, NatsIntakeComponent component, String subject) {
            super(uri, component);
            this.subject = subject;
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            NatsIntakeComponent component = (NatsIntakeComponent) getComponent();
            Consumer consumer = new NatsIntakeConsumer(this, processor, component.nats, subject, component.settings,
                    component.state);
            configureConsumer(consumer);
            return consumer;
        }

        @Override
        public Producer createProducer() {
            throw new UnsupportedOperationException("nats-intake only consumes; publish with nats:" + subject);
        }
    }
}
