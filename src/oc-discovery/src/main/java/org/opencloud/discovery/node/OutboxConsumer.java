package org.opencloud.discovery.node;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.service.ServiceHelper;
import org.opencloud.discovery.camel.Libp2pConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The consumer of {@code outbox:STREAM}: one {@link OutboxLane} per partner, made at every (re)connect of a NATS
 * with JetStream for the directory's partners and on first use for a partner added live (and stopped once it is no
 * partner any more). Each message becomes one
 * exchange (body: the stream event; headers {@code CamelLibp2pPeerId}, {@value Outbox#PROTOCOL},
 * {@value Outbox#RESOURCE}, {@code OcEventId}) for the route, which delivers it; one older than the age limit goes
 * to the {@code expiredUri} endpoint instead. All lanes share one NATS dispatcher and one scheduler thread.
 */
final class OutboxConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxConsumer.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Outbox outbox;
    private final String expiredUri;
    private final NodeMetrics metrics;
    private final Map<String, OutboxLane> lanes = new ConcurrentHashMap<>();
    private final Consumer<Connection> onConnected = connection -> schedule(this::subscribeAll, Duration.ZERO);
    private ScheduledExecutorService scheduler;
    private AsyncProducer expired;
    private volatile Dispatcher dispatcher;

    OutboxConsumer(Endpoint endpoint, Processor processor, Outbox outbox, String expiredUri, NodeMetrics metrics) {
        super(endpoint, processor);
        this.outbox = outbox;
        this.expiredUri = expiredUri;
        this.metrics = metrics;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        expired = getEndpoint().getCamelContext().getEndpoint(expiredUri).createAsyncProducer();
        ServiceHelper.startService(expired);
        scheduler = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "outbox");
        long tick = outbox.settings().ackWait().toMillis() / 3;
        scheduler.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        outbox.onTarget(this::lane);
        outbox.nats().onConnected(onConnected);
        schedule(this::subscribeAll, Duration.ZERO); // connected already, or the next connect calls again
    }

    @Override
    protected void doStop() throws Exception {
        outbox.nats().removeOnConnected(onConnected);
        outbox.onTarget(partner -> { });
        lanes.values().forEach(OutboxLane::stop);
        lanes.clear();
        if (scheduler != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(scheduler);
        }
        if (dispatcher != null) {
            outbox.nats().connection().closeDispatcher(dispatcher);
            dispatcher = null;
        }
        ServiceHelper.stopService(expired);
        super.doStop();
    }

    NodeMetrics metrics() {
        return metrics;
    }

    /** The lane of {@code partner}, made and subscribed on first use. */
    private OutboxLane lane(String partner) {
        OutboxLane lane = lanes.get(partner);
        if (lane != null) {
            return lane;
        }
        return lanes.computeIfAbsent(partner, p -> {
            OutboxLane made = new OutboxLane(p, this, outbox.settings(), outbox.depth(p));
            subscribeLater(made, Duration.ZERO);
            return made;
        });
    }

    /** On the scheduler: the stream, then a lane for every partner and every lane there is. */
    private void subscribeAll() {
        if (!ready()) {
            return;
        }
        try {
            outbox.ensureStream();
        } catch (Exception e) {
            LOG.warn("cannot make sure of the outbox stream {} yet ({}); trying again in {} s",
                    outbox.settings().stream(), e.toString(), RETRY.toSeconds());
            schedule(this::subscribeAll, RETRY);
            return;
        }
        Set<String> partners = new LinkedHashSet<>(outbox.partners());
        partners.addAll(lanes.keySet());
        for (String partner : partners) {
            OutboxLane lane = lanes.get(partner);
            if (lane == null) {
                lane(partner); // subscribes it
            } else {
                subscribe(lane);
            }
        }
    }

    private boolean ready() {
        Connection connection = outbox.nats().connection();
        return isRunAllowed() && connection.getStatus() == Connection.Status.CONNECTED && outbox.isDurable();
    }

    void subscribeLater(OutboxLane lane, Duration delay) {
        schedule(() -> subscribe(lane), delay);
    }

    private void subscribe(OutboxLane lane) {
        if (!ready() || lanes.get(lane.partner()) != lane) {
            return; // the next connect subscribes it
        }
        try {
            outbox.ensureStream();
            lane.subscribe(outbox.nats().connection(), dispatcher(), outbox.isWorkQueue());
        } catch (Exception e) {
            LOG.warn("cannot read the outbox of {} yet ({}); trying again in {} s", lane.partner(), e.toString(),
                    RETRY.toSeconds());
            subscribeLater(lane, RETRY);
        }
    }

    private Dispatcher dispatcher() {
        if (dispatcher == null) {
            dispatcher = outbox.nats().connection().createDispatcher();
        }
        return dispatcher;
    }

    /**
     * Every third of the ack wait: the lanes of peers no longer partners stopped (what they hold stays in their
     * outbox, for when they are partners again), held messages marked in progress, depths read from the server.
     */
    private void tick() {
        try {
            stopFormerPartnersAndKeepHeldAlive();
        } catch (RuntimeException e) { // the directory unreachable, say: a periodic task that threw would never run again
            LOG.warn("outbox upkeep failed, tried again in a third of the ack wait: {}", e.toString());
        }
    }

    private void stopFormerPartnersAndKeepHeldAlive() {
        Set<String> partners = Set.copyOf(outbox.partners());
        lanes.values().removeIf(lane -> {
            boolean removed = !partners.contains(lane.partner());
            if (removed) {
                lane.stop();
                LOG.info("{} is no longer a partner: its outbox is kept, nothing more is sent to it", lane.partner());
            }
            return removed;
        });
        for (OutboxLane lane : lanes.values()) {
            lane.markHeldInProgress();
            if (ready()) {
                try {
                    lane.refreshDepth(outbox.nats().connection());
                } catch (Exception e) {
                    LOG.debug("outbox depth of {}: {}", lane.partner(), e.toString());
                }
            }
        }
    }

    void schedule(Runnable task, Duration delay) {
        try {
            if (scheduler != null && !scheduler.isShutdown()) {
                scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException stopping) {
            LOG.debug("outbox stopping: {}", stopping.toString());
        }
    }

    /**
     * One exchange for one outbox message, to the route (or, {@code expired}, to the expired endpoint); {@code done}
     * learns whether it went through, on whatever thread completes it.
     */
    void deliver(String partner, Message message, boolean expiredMessage, Consumer<Boolean> done) {
        Exchange exchange = createExchange(false);
        exchange.getIn().setBody(message.getData());
        exchange.getIn().setHeader(Libp2pConstants.PEER_ID, partner);
        Headers headers = message.getHeaders();
        if (headers != null) {
            exchange.getIn().setHeader(Outbox.PROTOCOL, headers.getFirst(Outbox.NATS_PROTOCOL));
            exchange.getIn().setHeader(Outbox.RESOURCE, headers.getFirst(Outbox.NATS_RESOURCE));
            exchange.getIn().setHeader(NatsIntakeConsumer.EVENT_ID, headers.getFirst(Outbox.NATS_EVENT_ID));
        }
        (expiredMessage ? expired : getAsyncProcessor()).process(exchange, doneSync -> {
            boolean delivered = exchange.getException() == null;
            releaseExchange(exchange, false);
            done.accept(delivered);
        });
    }

    /** Acknowledgements while NATS reconnects wait in the client's buffer; once it is closed, the server sends again. */
    void reply(Runnable reply) {
        try {
            reply.run();
        } catch (IllegalStateException closed) {
            LOG.debug("outbox message not acknowledged, the NATS connection is closed: {}", closed.toString());
        }
    }
}
