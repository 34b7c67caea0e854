package org.opencloud.discovery.node;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.support.SynchronizationAdapter;
import org.opencloud.discovery.camel.Libp2pConstants;
import org.opencloud.discovery.propagation.RateLimitedLog;
import org.opencloud.discovery.propagation.dedup.RecentEventIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inbound routes' bean for publishing each event at most once ({@code ref: receivedEvents}): before
 * publishing, an event whose sender and id this node published already ({@link RecentEventIds}) is a duplicate,
 * confirmed to its sender without being published again; after its NATS accepted the message, and before the
 * stream is confirmed, the id is recorded. An event without an id (a sender that gives none) is published every
 * time, as it comes. A copy that arrives while the same event is being published is not confirmed: the sender
 * sends it again, and by then it is recorded.
 */
public final class ReceivedEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ReceivedEvents.class);
    private static final Logger UNCONFIRMED = LoggerFactory.getLogger("unconfirmed");

    private final RecentEventIds ids;
    private final NodeMetrics metrics;
    private final Set<String> publishing = ConcurrentHashMap.newKeySet();
    private final RateLimitedLog log = new RateLimitedLog(UNCONFIRMED, Duration.ofSeconds(1));

    ReceivedEvents(RecentEventIds ids, NodeMetrics metrics) {
        this.ids = ids;
        this.metrics = metrics;
    }

    /**
     * True when this node published the event already: counted ({@code oc_events_duplicate_total}) and logged at
     * DEBUG. Otherwise the event is marked as being published until its exchange is done.
     *
     * @param msgId the message's header Nats-Msg-Id ({@code <sender>:<id>}), null for an event without an id
     * @param peer the sender (header CamelLibp2pPeerId)
     */
    public boolean isDuplicate(String msgId, String peer, Exchange exchange) {
        String id = eventId(msgId, peer);
        if (id == null) {
            return false;
        }
        if (ids.contains(peer, id)) {
            metrics.duplicate(peer);
            LOG.debug("event {} from {} was published already: confirmed, not published again", id, peer);
            return true;
        }
        if (!publishing.add(msgId)) {
            throw new NotConfirmedException("event " + id + " from " + peer + " is being published right now");
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                publishing.remove(msgId);
            }
        });
        return false;
    }

    /** Records the event once this node's NATS accepted it, before its stream is confirmed. */
    public void published(@Header(PropagationRouting.NATS_MSG_ID) String msgId,
                          @Header(Libp2pConstants.PEER_ID) String peer) {
        String id = eventId(msgId, peer);
        if (id != null) {
            ids.record(peer, id);
        }
    }

    /** An event not confirmed to its sender, who sends it again: counted and logged, at most a line a second. */
    public void unconfirmed(@Header(Libp2pConstants.PEER_ID) String peer,
                            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable error) {
        metrics.unconfirmed(peer);
        log.warn("unconfirmed", "an event not confirmed to " + peer + ", who will send it again: "
                + (error == null ? "" : error.getMessage()));
    }

    /** The sender's id of the event, from header Nats-Msg-Id ({@code <sender>:<id>}), or null when it gave none. */
    private static String eventId(String msgId, String peer) {
        return msgId != null && peer != null && msgId.startsWith(peer + ":") ? msgId.substring(peer.length() + 1) : null;
    }
}
