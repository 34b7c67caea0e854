package org.opencloud.discovery.node;

import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultHeaderFilterStrategy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * {@code nats-confirmed:SUBJECT}: publishes the body on the node's NATS, with the exchange's own headers (not
 * Camel's) as NATS headers as {@code nats:} does, and completes the exchange only once the server accepted the
 * message ({@link ConfirmedPublisher}); otherwise the exchange fails with a {@link NotConfirmedException}. The
 * inbound routes publish through it, so that a partner's stream is confirmed only for what this node's NATS has.
 * The route goes on on the component's own threads, never on jnats's.
 */
final class NatsConfirmedComponent extends DefaultComponent {
    private final NodeNatsConnection nats;
    private final Duration timeout;
    private ExecutorService flusher;
    private ExecutorService continuations;
    private ConfirmedPublisher publisher;

    /** @param timeout how long a publish waits for the server's answer */
    NatsConfirmedComponent(NodeNatsConnection nats, Duration timeout) {
        this.nats = nats;
        this.timeout = timeout;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String subject, Map<String, Object> parameters) {
        return new ConfirmedEndpoint(uri, this, subject);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ExecutorServiceManager executors = getCamelContext().getExecutorServiceManager();
        flusher = executors.newSingleThreadExecutor(this, "NatsConfirmedRoundTrip");
        continuations = executors.newDefaultThreadPool(this, "NatsConfirmed");
        publisher = new ConfirmedPublisher(nats, timeout, flusher);
    }

    @Override
    protected void doStop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        ExecutorServiceManager executors = getCamelContext().getExecutorServiceManager();
        if (flusher != null) {
            executors.shutdownNow(flusher);
        }
        if (continuations != null) {
            executors.shutdown(continuations);
        }
        super.doStop();
    }

    private static final class ConfirmedEndpoint extends DefaultEndpoint {
        private final String subject;

        ConfirmedEndpoint(String uri, NatsConfirmedComponent component, String subject) {
            super(uri, component);
            this.subject = subject;
        }

        @Override
        public Producer createProducer() {
            return new ConfirmedProducer(this, (NatsConfirmedComponent) getComponent(), subject);
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("nats-confirmed only publishes; subscribe with nats:" + subject);
        }
    }

    private static final class ConfirmedProducer extends DefaultAsyncProducer {
        private final NatsConfirmedComponent component;
        private final String subject;
        private final HeaderFilterStrategy camelHeaders = new DefaultHeaderFilterStrategy();

        ConfirmedProducer(Endpoint endpoint, NatsConfirmedComponent component, String subject) {
            super(endpoint);
            this.component = component;
            this.subject = subject;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            byte[] body = exchange.getMessage().getBody(byte[].class);
            if (body == null) {
                exchange.setException(new IllegalArgumentException("nothing to publish on " + subject));
                callback.done(true);
                return true;
            }
            NatsMessage message = NatsMessage.builder().subject(subject).data(body).headers(headers(exchange)).build();
            component.publisher.publish(message).whenCompleteAsync((accepted, error) -> {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause != null) {
                    exchange.setException(cause instanceof NotConfirmedException ? cause
                            : new NotConfirmedException("NATS did not accept the message on " + subject, cause));
                }
                callback.done(false);
            }, component.continuations);
            return false;
        }

        private Headers headers(Exchange exchange) {
            Headers headers = new Headers();
            exchange.getMessage().getHeaders().forEach((name, value) -> {
                if (value != null && !camelHeaders.applyFilterToCamelHeaders(name, value, exchange)) {
                    headers.add(name, value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                            : value.toString());
                }
            });
            return headers.isEmpty() ? null : headers;
        }
    }
}
