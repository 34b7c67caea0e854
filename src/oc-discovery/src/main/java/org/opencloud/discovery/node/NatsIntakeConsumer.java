package org.opencloud.discovery.node;

import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.nats.NatsConstants;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.SynchronizationAdapter;
import org.opencloud.discovery.node.IntakeState.Mode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The consumer of {@code nats-intake:SUBJECT}. At every (re)connect of the node's NATS connection it asks the
 * server whether it has JetStream, then either makes sure of the stream and the durable consumer
 * ({@link JetStreamIntakeSettings}) and pulls from it, or subscribes with core NATS and warns.
 * <p>
 * Each event is routed on the thread NATS hands it over on (no queue and no thread of the node's between them:
 * a hand-over between threads was a large part of an event's CPU), asynchronously: the next event is taken as
 * soon as this one waits for its deliveries, in publish order, and at most {@code oc.outbound.queue-size} are on
 * their way at once (then the next waits). A JetStream event is acknowledged when its exchange completes: once
 * the event went to every target or was reported on the error endpoint. A failure nobody handled (the peer
 * directory unreachable, say) asks for the event again later. An event held longer than a third of the ack wait is marked in progress, so that a slow
 * partner does not make the server send it twice; a node that dies gets its unacknowledged events again.
 */
final class NatsIntakeConsumer extends DefaultConsumer {
    /** The event's id, the same on every delivery: its place in the stream, or a random one for core NATS. */
    static final String EVENT_ID = "OcEventId";
    private static final Logger LOG = LoggerFactory.getLogger(NatsIntakeConsumer.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** A failure no route handled is tried again this much later rather than at once, or never. */
    private static final Duration NAK_DELAY = Duration.ofSeconds(5);

    private final NodeNatsConnection nats;
    private final String subject;
    private final JetStreamIntakeSettings settings;
    private final IntakeState state;
    private final Consumer<Connection> onConnected = connection -> subscribeLater(Duration.ZERO);
    /** Events not acknowledged yet, with when they were received (System.nanoTime). */
    private final Map<Message, Long> held = new ConcurrentHashMap<>();
    /** Events taken whose exchange has not completed: at most {@code oc.outbound.queue-size}. */
    private final Semaphore onTheirWay;
    private ScheduledExecutorService executor;
    private MessageConsumer jetStream;
    private Dispatcher core;

    NatsIntakeConsumer(Endpoint endpoint, Processor processor, NodeNatsConnection nats, String subject,
                       JetStreamIntakeSettings settings, IntakeState state) {
        super(endpoint, processor);
        this.nats = nats;
        this.subject = subject;
        this.settings = settings;
        this.state = state;
        this.onTheirWay = new Semaphore((int) settings.maxAckPending());
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "nats-intake");
        long tick = settings.ackWait().toMillis() / 3;
        executor.scheduleWithFixedDelay(this::markHeldInProgress, tick, tick, TimeUnit.MILLISECONDS);
        nats.onConnected(onConnected);
        subscribeLater(Duration.ZERO); // connected already, or the next connect calls again
    }

    @Override
    protected void doStop() throws Exception {
        nats.removeOnConnected(onConnected);
        if (executor != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
        }
        unsubscribe(); // what is held stays unacknowledged: the server sends it again
        super.doStop();
    }

    private void subscribeLater(Duration delay) {
        if (executor != null && !executor.isShutdown()) {
            executor.schedule(this::subscribe, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** On the intake's own thread: JetStream management calls wait for replies, NATS callbacks must not. */
    private void subscribe() {
        Connection connection = nats.connection();
        if (!isRunAllowed() || connection.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        boolean jetStreamAvailable = nats.isJetStreamAvailable();
        if (!jetStreamAvailable && state.mode() == Mode.CORE) {
            return; // jnats subscribed again itself
        }
        unsubscribe();
        try {
            if (jetStreamAvailable) {
                subscribeJetStream(connection);
            } else {
                LOG.warn("NATS at {} has no JetStream (nats-server -js): {} is taken best effort, events published "
                        + "while this node is down or behind are lost", nats.servers(), subject);
                core = connection.createDispatcher(this::onMessage);
                core.subscribe(subject);
                state.set(Mode.CORE);
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warn("cannot subscribe to {} yet ({}); trying again in {} s", subject, e.toString(), RETRY.toSeconds());
            subscribeLater(RETRY);
        }
    }

    private void subscribeJetStream(Connection connection) throws IOException, JetStreamApiException {
        JetStreamManagement management = connection.jetStreamManagement();
        if (management.getStreamNames().contains(settings.stream())) {
            LOG.debug("using stream {}", settings.stream());
        } else {
            management.addStream(settings.streamConfiguration(subject));
            LOG.info("created stream {} for {}", settings.stream(), subject);
        }
        management.addOrUpdateConsumer(settings.stream(), settings.consumerConfiguration(subject));
        // each pull asks for no more than the consumer's limit of unacknowledged events leaves room for
        jetStream = connection.getConsumerContext(settings.stream(), settings.consumer())
                .consume(ConsumeOptions.builder().batchSize((int) Math.min(500, settings.maxAckPending())).build(),
                        this::onMessage);
        state.set(Mode.JETSTREAM);
        LOG.info("taking {} from stream {} through durable consumer {}", subject, settings.stream(), settings.consumer());
    }

    private void unsubscribe() {
        state.set(Mode.NOT_SUBSCRIBED);
        if (jetStream != null) {
            try {
                jetStream.close();
            } catch (Exception e) {
                LOG.debug("closing the JetStream consumer: {}", e.toString());
            }
            jetStream = null;
        }
        if (core != null) {
            nats.connection().closeDispatcher(core);
            core = null;
        }
    }

    private void onMessage(Message message) throws InterruptedException {
        // a core dispatcher's thread is interrupted when the consumer stops (the event is lost, best effort); a
        // JetStream one waits for a permit, then finds the consumer stopped and leaves the event to be sent again
        onTheirWay.acquire();
        if (!isRunAllowed()) {
            onTheirWay.release();
            return;
        }
        Exchange exchange;
        try {
            exchange = exchangeFor(message);
        } catch (RuntimeException | Error e) { // its permit back: lost permits would stop the intake for good, silently
            onTheirWay.release();
            held.remove(message); // not acknowledged: a JetStream event comes again after the ack wait
            if (e instanceof Error error) {
                throw error;
            }
            getExceptionHandler().handleException("taking a message from " + subject, e);
            return;
        }
        getAsyncProcessor().process(exchange, doneSync -> {
            try {
                if (exchange.getException() != null) {
                    getExceptionHandler().handleException("taking a message from " + subject, exchange,
                            exchange.getException());
                }
            } finally {
                releaseExchange(exchange, false);
                onTheirWay.release();
            }
        });
    }

    private Exchange exchangeFor(Message message) {
        Exchange exchange = createExchange(false);
        exchange.getIn().setBody(message.getData());
        exchange.getIn().setHeader(NatsConstants.NATS_SUBJECT, message.getSubject());
        if (message.isJetStream()) {
            // sequence and store time: unique even when the stream is made again and counts from 1
            exchange.getIn().setHeader(EVENT_ID, message.metaData().streamSequence() + "-"
                    + message.metaData().timestamp().toInstant().toEpochMilli());
            held.put(message, System.nanoTime());
            exchange.getExchangeExtension().addOnCompletion(new Acknowledgement(message));
        } else {
            exchange.getIn().setHeader(EVENT_ID, UUID.randomUUID().toString());
        }
        return exchange;
    }

    private void markHeldInProgress() {
        long before = System.nanoTime() - settings.ackWait().toNanos() / 3;
        held.forEach((message, received) -> {
            if (received < before) {
                message.inProgress();
            }
        });
    }

    /** Acknowledges the event once its exchange is done, on whichever thread its last delivery ended. */
    private final class Acknowledgement extends SynchronizationAdapter {
        private final Message message;

        Acknowledgement(Message message) {
            this.message = message;
        }

        @Override
        public void onComplete(Exchange exchange) {
            held.remove(message);
            reply(message::ack);
        }

        @Override
        public void onFailure(Exchange exchange) {
            held.remove(message);
            reply(() -> message.nakWithDelay(NAK_DELAY));
        }

        /** While NATS reconnects the reply waits in the client's buffer; once the node closed it, the server sends the event again. */
        private void reply(Runnable reply) {
            try {
                reply.run();
            } catch (IllegalStateException closed) {
                LOG.debug("event not acknowledged, the NATS connection is closed: {}", closed.toString());
            }
        }
    }
}
