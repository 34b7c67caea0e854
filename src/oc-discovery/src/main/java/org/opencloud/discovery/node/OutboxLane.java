package org.opencloud.discovery.node;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.ConsumerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One partner's outbox being delivered: what its durable consumer sends, in stream order, at most
 * {@link OutboxSettings#inFlight()} unacknowledged at a time (the consumer's MaxAckPending, so the server never sends
 * more and this is all the lane holds). A message starts at once unless an earlier one about the same resource is
 * unfinished: it waits behind it, so an update never overtakes its create. A failed delivery is tried again with
 * exponential backoff until the partner takes it or it grew older than the age limit (then EXPIRED); each ends
 * acknowledged. Costs no thread: messages come on the shared dispatcher, deliveries run on Camel's async engine and
 * retries on the consumer's one scheduler.
 */
final class OutboxLane {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxLane.class);

    private final String partner;
    private final OutboxConsumer owner;
    private final OutboxSettings settings;
    private final AtomicLong depth;
    /** Guarded by this: what the server sent and the lane did not finish, by stream sequence. */
    private final Map<Long, Held> held = new TreeMap<>();
    /** Guarded by this: per resource, its held messages in order; the first is the one in flight. */
    private final Map<String, ArrayDeque<Held>> byResource = new HashMap<>();
    /** Guarded by this: the server counts more unacknowledged than the lane holds; resubscribe once drained. */
    private boolean draining;
    private volatile MessageConsumer subscription;
    private volatile boolean stopped;

    OutboxLane(String partner, OutboxConsumer owner, OutboxSettings settings, AtomicLong depth) {
        this.partner = partner;
        this.owner = owner;
        this.settings = settings;
        this.depth = depth;
    }

    String partner() {
        return partner;
    }

    /**
     * Makes sure of the partner's consumer and consumes it (again, after a reconnect), on the owner's scheduler: the
     * management calls wait for replies. A consumer that counts unacknowledged messages this lane does not hold was
     * read by an instance that is gone (this node before a crash, or deliveries lost in a reconnect): the server
     * would send them again only after the ack wait, after newer ones. It is made again from its first message not
     * acknowledged, once the lane holds nothing, so order holds; what was delivered already may go twice.
     */
    void subscribe(Connection connection, Dispatcher dispatcher, boolean workQueue)
            throws IOException, JetStreamApiException {
        closeSubscription();
        JetStreamManagement management = connection.jetStreamManagement();
        ConsumerInfo info = consumerInfo(management);
        int holding = holding();
        if (info == null) {
            management.addOrUpdateConsumer(settings.stream(), settings.newConsumer(partner, 0));
        } else if (info.getNumAckPending() > holding && holding > 0) {
            synchronized (this) {
                draining = true;
            }
            LOG.debug("outbox of {}: {} unacknowledged, {} held: resubscribing once they are done", partner,
                    info.getNumAckPending(), holding);
            return;
        } else if (info.getNumAckPending() > holding) {
            management.deleteConsumer(settings.stream(), settings.consumer(partner));
            // a work queue keeps only what is not acknowledged; another stream restarts after the ack floor
            long start = workQueue ? 0 : info.getAckFloor().getStreamSequence() + 1;
            management.addOrUpdateConsumer(settings.stream(), settings.newConsumer(partner, start));
            LOG.info("outbox of {}: {} messages were read but not acknowledged; reading again from the first of them",
                    partner, info.getNumAckPending());
        } else {
            management.addOrUpdateConsumer(settings.stream(), settings.updated(info));
        }
        synchronized (this) {
            draining = false;
        }
        subscription = connection.getConsumerContext(settings.stream(), settings.consumer(partner))
                .consume(ConsumeOptions.builder().batchSize(settings.inFlight()).build(), dispatcher, this::onMessage);
    }

    private ConsumerInfo consumerInfo(JetStreamManagement management) throws IOException, JetStreamApiException {
        try {
            return management.getConsumerInfo(settings.stream(), settings.consumer(partner));
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Refreshes the depth gauge from the server: messages still to send plus those sent and not acknowledged. */
    void refreshDepth(Connection connection) throws IOException, JetStreamApiException {
        ConsumerInfo info = consumerInfo(connection.jetStreamManagement());
        depth.set(info == null ? 0 : info.getNumPending() + info.getNumAckPending());
    }

    /** On the shared dispatcher: must not block. */
    private void onMessage(Message message) {
        long sequence = message.metaData().streamSequence();
        Held start = null;
        synchronized (this) {
            Held known = held.get(sequence);
            if (known != null) { // sent again (its ack wait passed): acknowledge through the newest copy
                known.message = message;
                return;
            }
            String resource = message.getHeaders() == null ? null : message.getHeaders().getFirst(Outbox.NATS_RESOURCE);
            Held added = new Held(message, sequence, resource,
                    message.metaData().timestamp().toInstant().toEpochMilli());
            held.put(sequence, added);
            if (resource == null) {
                start = added;
            } else {
                ArrayDeque<Held> queue = byResource.computeIfAbsent(resource, r -> new ArrayDeque<>());
                queue.add(added);
                start = queue.size() == 1 ? added : null;
            }
            depth.set(message.metaData().pendingCount() + held.size());
        }
        if (start != null) {
            attempt(start);
        }
    }

    private void attempt(Held message) {
        if (stopped) {
            return; // not acknowledged: the server sends it again to the next instance
        }
        boolean expired = System.currentTimeMillis() - message.storedMillis > settings.maxAge().toMillis();
        owner.deliver(partner, message.message, expired, delivered -> {
            if (delivered) {
                if (expired) {
                    owner.metrics().outboxExpired(partner);
                }
                finish(message);
            } else {
                retry(message);
            }
        });
    }

    private void retry(Held message) {
        message.attempts++;
        long initial = settings.retryInitial().toMillis();
        long delay = Math.min(settings.retryMax().toMillis(), initial << Math.min(30, message.attempts - 1));
        owner.metrics().retried(partner);
        LOG.debug("outbox of {}: delivery {} failed, trying again in {} ms", partner, message.attempts, delay);
        owner.schedule(() -> attempt(message), Duration.ofMillis(delay));
    }

    private void finish(Held message) {
        owner.reply(message.message::ack);
        Held next = null;
        boolean resubscribe;
        synchronized (this) {
            held.remove(message.sequence);
            if (message.resource != null) {
                ArrayDeque<Held> queue = byResource.get(message.resource);
                queue.poll();
                if (queue.isEmpty()) {
                    byResource.remove(message.resource);
                } else {
                    next = queue.peek();
                }
            }
            resubscribe = draining && held.isEmpty();
            depth.updateAndGet(d -> Math.max(0, d - 1));
        }
        if (next != null) {
            attempt(next);
        }
        if (resubscribe) {
            owner.subscribeLater(this, Duration.ZERO);
        }
    }

    /** Extends the ack wait of every held message: those waiting for a retry or for an earlier one of their resource. */
    void markHeldInProgress() {
        List<Message> messages = new ArrayList<>();
        synchronized (this) {
            held.values().forEach(h -> messages.add(h.message));
        }
        messages.forEach(m -> owner.reply(m::inProgress));
    }

    private synchronized int holding() {
        return held.size();
    }

    private void closeSubscription() {
        MessageConsumer current = subscription;
        subscription = null;
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                LOG.debug("closing the outbox consumer of {}: {}", partner, e.toString());
            }
        }
    }

    /** Stops taking and retrying; what is held stays unacknowledged, so the server sends it again. */
    void stop() {
        stopped = true;
        closeSubscription();
    }

    /** A message of the outbox the lane has not finished. */
    private static final class Held {
        private volatile Message message;
        private final long sequence;
        private final String resource;
        private final long storedMillis;
        private int attempts;

        Held(Message message, long sequence, String resource, long storedMillis) {
            this.message = message;
            this.sequence = sequence;
            this.resource = resource;
            this.storedMillis = storedMillis;
        }
    }
}
