package org.opencloud.discovery.node;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.impl.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The partners' outboxes on this node's NATS (bean {@code outbox}, and what the {@code outbox:} endpoints share):
 * whether delivery is durable (the server has JetStream), the stream made sure of once per connection, appending an
 * event to each target's subject, and each partner's outbox depth for the metrics. See {@link OutboxComponent}.
 */
public final class Outbox {
    /** Exchange header: the protocol an event is delivered on. */
    static final String PROTOCOL = "OcProtocol";
    /** Exchange header: the resource an event is about; an event waits for the earlier ones of its resource. */
    static final String RESOURCE = "OcResource";
    /** Exchange property: the peers an event goes to. */
    static final String TARGETS = "OcTargets";
    /** The same three on the stream's messages, as NATS headers. */
    static final String NATS_PROTOCOL = "Oc-Protocol";
    static final String NATS_RESOURCE = "Oc-Resource";
    static final String NATS_EVENT_ID = "Oc-Event-Id";
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final NodeNatsConnection nats;
    private final OutboxSettings settings;
    private final NodeMetrics metrics;
    private final Supplier<List<String>> partners;
    private final Map<String, AtomicLong> depths = new ConcurrentHashMap<>();
    /** Made sure of since the last (re)connect: a server restarted on an empty store has it no more. */
    private volatile boolean streamReady;
    private volatile boolean workQueue;
    private volatile JetStream jetStream;
    private volatile Consumer<String> onTarget = partner -> { };

    Outbox(NodeNatsConnection nats, OutboxSettings settings, NodeMetrics metrics, Supplier<List<String>> partners) {
        this.nats = nats;
        this.settings = settings;
        this.metrics = metrics;
        this.partners = partners;
        nats.onConnected(connection -> streamReady = false);
    }

    /** True when partners' events go through their outboxes: this node's NATS has JetStream (its last INFO said so). */
    public boolean isDurable() {
        return nats.isJetStreamAvailable();
    }

    OutboxSettings settings() {
        return settings;
    }

    NodeNatsConnection nats() {
        return nats;
    }

    List<String> partners() {
        return partners.get();
    }

    /** Whether the stream drops what was acknowledged (the node's own); an operator's may keep it. */
    boolean isWorkQueue() {
        return workQueue;
    }

    /** Creates the stream, or uses the one the operator made; once per connection, waiting for the server's replies. */
    void ensureStream() throws IOException, JetStreamApiException {
        if (streamReady) {
            return;
        }
        synchronized (this) {
            if (streamReady) {
                return;
            }
            JetStreamManagement management = nats.connection().jetStreamManagement();
            if (management.getStreamNames().contains(settings.stream())) {
                LOG.debug("using stream {} for the partners' outboxes", settings.stream());
            } else {
                management.addStream(settings.streamConfiguration());
                LOG.info("created stream {} for the partners' outboxes", settings.stream());
            }
            jetStream = nats.connection().jetStream();
            workQueue = management.getStreamInfo(settings.stream()).getConfiguration().getRetentionPolicy()
                    == RetentionPolicy.WorkQueue;
            streamReady = true;
        }
    }

    /** Tells {@code listener} (the lanes) of every target an event is appended for, so new partners get a lane. */
    void onTarget(Consumer<String> listener) {
        onTarget = listener;
    }

    /**
     * Appends one copy of {@code event} per target to its outbox, pipelined; completes once the server stored every
     * copy. {@code Nats-Msg-Id} = event id and partner, so an event the intake gets again is not appended twice.
     */
    CompletableFuture<Void> append(List<String> targets, byte[] event, String protocol, String resource, String eventId)
            throws IOException, JetStreamApiException {
        ensureStream();
        CompletableFuture<?>[] stored = new CompletableFuture<?>[targets.size()];
        for (int i = 0; i < stored.length; i++) {
            String partner = targets.get(i);
            Headers headers = new Headers().put(NATS_PROTOCOL, protocol);
            if (resource != null) {
                headers.put(NATS_RESOURCE, resource);
            }
            PublishOptions.Builder options = PublishOptions.builder().expectedStream(settings.stream());
            if (eventId != null) {
                headers.put(NATS_EVENT_ID, eventId);
                options.messageId(eventId + ":" + partner);
            }
            stored[i] = jetStream.publishAsync(settings.subject(partner), headers, event, options.build());
            onTarget.accept(partner);
        }
        return CompletableFuture.allOf(stored);
    }

    /** The outbox depth of {@code partner} (messages not yet acknowledged), registered as its gauge on first use. */
    AtomicLong depth(String partner) {
        return depths.computeIfAbsent(partner, p -> metrics.outboxDepth(p, new AtomicLong()));
    }
}
