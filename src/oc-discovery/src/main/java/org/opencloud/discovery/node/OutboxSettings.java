package org.opencloud.discovery.node;

import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;

/**
 * The partners' outboxes ({@code oc.outbox.*}): one JetStream stream on this node's NATS, one subject and one durable
 * pull consumer per (this node, partner), how many deliveries a partner has in flight, how often a failed one is
 * tried again, and how old a message may grow before it is given up as EXPIRED.
 *
 * @param node     this node's name as one subject token ({@code camel.main.name})
 * @param inFlight deliveries in flight per partner: the consumer's MaxAckPending, so also what a lane holds
 * @param ackWait  how long the server waits for an acknowledgement ({@code oc.jetstream.ack-wait-ms}); held
 *                 messages are marked in progress well before
 */
record OutboxSettings(String stream, String node, Duration maxAge, long maxBytes, int inFlight, Duration retryInitial,
                      Duration retryMax, Duration ackWait) {
    static final String SUBJECT_PREFIX = "oc.outbox.";

    static OutboxSettings from(PropertiesComponent props, String nodeName) {
        return new OutboxSettings(NodeConfiguration.setting(props, "oc.outbox.stream"), token(nodeName),
                NodeConfiguration.millis(props, "oc.outbox.max-age-ms"),
                Long.parseLong(NodeConfiguration.setting(props, "oc.outbox.max-bytes")),
                Integer.parseInt(NodeConfiguration.setting(props, "oc.outbox.in-flight")),
                NodeConfiguration.millis(props, "oc.outbox.retry-initial-ms"),
                NodeConfiguration.millis(props, "oc.outbox.retry-max-ms"),
                NodeConfiguration.millis(props, "oc.jetstream.ack-wait-ms"));
    }

    /** A subject token and durable name hold no '.', '*', '>' or white space; a Camel context name may. */
    private static String token(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** The subject of one partner's outbox: {@code oc.outbox.<node>.<partner peer id>}. */
    String subject(String partner) {
        return SUBJECT_PREFIX + node + "." + partner;
    }

    /** The durable consumer that reads one partner's outbox. */
    String consumer(String partner) {
        return node + "-" + partner;
    }

    /**
     * The stream the node creates when the operator made none: on disk; a work queue, so what a partner acknowledged
     * is gone and only what is still owed takes room; kept twice the age limit, so that a node down for as long as
     * the limit still reports what expired meanwhile; when full, appending fails and the intake keeps the events.
     */
    StreamConfiguration streamConfiguration() {
        return StreamConfiguration.builder().name(stream).subjects(SUBJECT_PREFIX + ">").storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.WorkQueue).discardPolicy(DiscardPolicy.New)
                .maxAge(maxAge.multipliedBy(2)).maxBytes(maxBytes).build();
    }

    /**
     * A partner's consumer, new: every message of its subject from {@code startSequence} on (0: all of them), in
     * order, at most {@link #inFlight} unacknowledged, sent again however often it must be.
     */
    ConsumerConfiguration newConsumer(String partner, long startSequence) {
        ConsumerConfiguration.Builder builder = ConsumerConfiguration.builder().durable(consumer(partner))
                .filterSubject(subject(partner)).ackPolicy(AckPolicy.Explicit).ackWait(ackWait)
                .maxAckPending(inFlight).maxDeliver(-1);
        return (startSequence > 0 ? builder.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(startSequence)
                : builder.deliverPolicy(DeliverPolicy.All)).build();
    }

    /** An existing consumer with this node's window and ack wait (what an operator may have changed since). */
    ConsumerConfiguration updated(ConsumerInfo existing) {
        return ConsumerConfiguration.builder(existing.getConsumerConfiguration()).ackWait(ackWait)
                .maxAckPending(inFlight).build();
    }
}
