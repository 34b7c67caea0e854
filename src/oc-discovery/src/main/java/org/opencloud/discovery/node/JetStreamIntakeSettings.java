package org.opencloud.discovery.node;

import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;

/**
 * Where the durable intake keeps what apps publish ({@code oc.jetstream.*}): the stream that captures the
 * subject, the node's durable consumer on it, and how much is kept and held unacknowledged.
 *
 * @param maxAckPending the most events the node holds unacknowledged ({@code oc.outbound.queue-size}): the
 *                      server sends no more, so the outbound queue never fills and memory stays bounded
 * @param ackWait       how long the server waits for an acknowledgement before it sends the event again (to this
 *                      node after a crash; events held longer are marked in progress)
 */
record JetStreamIntakeSettings(String stream, String consumer, Duration maxAge, long maxBytes, long maxAckPending,
                               Duration ackWait) {

    JetStreamIntakeSettings {
        if (maxAckPending < 1 || maxAckPending > Integer.MAX_VALUE) {
            // none would stop the intake at its first event; more than an int are not permits
            throw new IllegalArgumentException("oc.outbound.queue-size must be from 1 to " + Integer.MAX_VALUE
                    + ", not " + maxAckPending);
        }
    }

    static JetStreamIntakeSettings from(PropertiesComponent props, String nodeName) {
        String consumer = props.resolveProperty("oc.jetstream.consumer").filter(c -> !c.isBlank()).orElse(nodeName);
        return new JetStreamIntakeSettings(
                NodeConfiguration.setting(props, "oc.jetstream.stream"),
                // a durable name may not hold '.', '*', '>' or white space; a Camel context name may
                consumer.replaceAll("[^A-Za-z0-9_-]", "_"),
                NodeConfiguration.millis(props, "oc.jetstream.max-age-ms"),
                Long.parseLong(NodeConfiguration.setting(props, "oc.jetstream.max-bytes")),
                Long.parseLong(NodeConfiguration.setting(props, "oc.outbound.queue-size")),
                NodeConfiguration.millis(props, "oc.jetstream.ack-wait-ms"));
    }

    /**
     * The stream the node creates when the operator made none: on disk, and limited by age and size only (the
     * oldest go first), so that other consumers (an audit, a second reader) may read it too.
     */
    StreamConfiguration streamConfiguration(String subject) {
        return StreamConfiguration.builder().name(stream).subjects(subject).storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits).discardPolicy(DiscardPolicy.Old)
                .maxAge(maxAge).maxBytes(maxBytes).build();
    }

    /** The node's durable consumer: every event until acknowledged, however often it must be sent again. */
    ConsumerConfiguration consumerConfiguration(String subject) {
        return ConsumerConfiguration.builder().durable(consumer).filterSubject(subject)
                .deliverPolicy(DeliverPolicy.All).ackPolicy(AckPolicy.Explicit).ackWait(ackWait)
                .maxAckPending(maxAckPending).maxDeliver(-1).build();
    }
}
