package org.opencloud.discovery.node;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;

import java.util.List;
import java.util.Map;

/**
 * {@code outbox:STREAM}: the partners' outboxes, a JetStream stream on this node's NATS ({@link OutboxSettings}).
 * The producer appends an event (body) for each peer of exchange property {@value Outbox#TARGETS}, on protocol
 * header {@value Outbox#PROTOCOL}, ordered by header {@value Outbox#RESOURCE}, and completes once the server stored
 * every copy, so the intake acknowledges the event only then. The consumer ({@link OutboxConsumer}) delivers them;
 * option {@code expiredUri} names where a message goes when it grew older than the age limit.
 */
final class OutboxComponent extends DefaultComponent {
    private final Outbox outbox;
    private final NodeMetrics metrics;

    OutboxComponent(Outbox outbox, NodeMetrics metrics) {
        this.outbox = outbox;
        this.metrics = metrics;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String stream, Map<String, Object> parameters) {
        if (!stream.equals(outbox.settings().stream())) {
            throw new IllegalArgumentException("outbox:" + stream + ": this node's outbox stream is "
                    + outbox.settings().stream() + " (oc.outbox.stream)");
        }
        Object expiredUri = parameters.remove("expiredUri");
        return new OutboxEndpoint(uri, this, expiredUri == null ? null : expiredUri.toString());
    }

    private static final class OutboxEndpoint extends DefaultEndpoint {
        private final String expiredUri;

        OutboxEndpoint(String uri, OutboxComponent component, String expiredUri) {
            super(uri, component);
            this.expiredUri = expiredUri;
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            if (expiredUri == null) {
                throw new IllegalArgumentException(getEndpointUri() + ": the consumer needs expiredUri, where "
                        + "messages past oc.outbox.max-age-ms go");
            }
            OutboxComponent component = (OutboxComponent) getComponent();
            Consumer consumer = new OutboxConsumer(this, processor, component.outbox, expiredUri, component.metrics);
            configureConsumer(consumer);
            return consumer;
        }

        @Override
        public Producer createProducer() {
            return new Appender(this, ((OutboxComponent) getComponent()).outbox);
        }
    }

    /** Appends to the targets' outboxes; the exchange completes (asynchronously) once every copy is stored. */
    private static final class Appender extends DefaultAsyncProducer {
        private final Outbox outbox;

        Appender(Endpoint endpoint, Outbox outbox) {
            super(endpoint);
            this.outbox = outbox;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            try {
                List<?> targets = exchange.getProperty(Outbox.TARGETS, List.class);
                if (targets == null || targets.isEmpty()) {
                    callback.done(true);
                    return true;
                }
                org.apache.camel.Message in = exchange.getMessage();
                outbox.append(targets.stream().map(Object::toString).toList(), in.getMandatoryBody(byte[].class),
                        in.getHeader(Outbox.PROTOCOL, String.class), in.getHeader(Outbox.RESOURCE, String.class),
                        in.getHeader(NatsIntakeConsumer.EVENT_ID, String.class)).whenComplete((stored, error) -> {
                            if (error != null) {
                                exchange.setException(new OutboxAppendException(outbox.settings().stream(), error));
                            }
                            callback.done(false);
                        });
                return false;
            } catch (Exception e) {
                exchange.setException(new OutboxAppendException(outbox.settings().stream(), e));
                callback.done(true);
                return true;
            }
        }
    }
}
