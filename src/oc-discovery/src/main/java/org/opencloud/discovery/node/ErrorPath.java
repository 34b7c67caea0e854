package org.opencloud.discovery.node;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.opencloud.discovery.camel.Libp2pConstants;
import org.opencloud.discovery.camel.Libp2pProducerException;
import org.opencloud.discovery.p2p.host.MessageTooLargeException;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The bean of the error routes ({@code ref: errorPath}, routes/errors.camel.yaml): the reason of a
 * rejection, the targets an event did not reach, and the one bounded message the error endpoint gets for
 * each: counted, logged at most once a second per reason, and no larger than the NATS server takes.
 */
public final class ErrorPath {
    /** The reason of an event that some targets did not get after their retries. */
    static final String UNDELIVERED = "UNDELIVERED";
    static final String REASON = "OcErrorReason";
    /** Exchange property: the {@link UndeliveredTargets} of one event's deliveries. */
    static final String UNDELIVERED_PROPERTY = "OcUndelivered";
    static final String TRUNCATED = "OcErrorTruncated";
    /** Room left in a NATS message for the error headers: an eighth of it, at most 4 KiB. */
    private static final long MAX_HEADER_ROOM = 4096;
    private static final Logger LOG = LoggerFactory.getLogger("rejected");

    private final NodeMetrics metrics;
    private final LongSupplier natsMaxPayload;
    private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofSeconds(1));

    /** @param natsMaxPayload the largest message the NATS server takes (its INFO's max_payload) */
    ErrorPath(NodeMetrics metrics, LongSupplier natsMaxPayload) {
        this.metrics = metrics;
        this.natsMaxPayload = natsMaxPayload;
    }

    /** The reason of a rejected message, for header OcErrorReason. */
    public String rejected(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof PropagationException p) {
                return p.getReason().name();
            }
            if (t instanceof com.fasterxml.jackson.core.JacksonException) {
                return Reason.MALFORMED_JSON.name();
            }
            if (t instanceof MessageTooLargeException) {
                return Reason.OVERSIZED.name();
            }
            if (t instanceof Libp2pProducerException) { // a planner event the peer did not take
                return UNDELIVERED;
            }
        }
        return error == null ? "UNKNOWN" : error.getClass().getSimpleName();
    }

    /** A fresh list for one event's deliveries (exchange property {@value #UNDELIVERED_PROPERTY}). */
    public UndeliveredTargets undeliveredTargets() {
        return new UndeliveredTargets();
    }

    /** A target that did not get the event after its retries: noted, reported with the others. */
    public void undelivered(@ExchangeProperty(UNDELIVERED_PROPERTY) UndeliveredTargets targets,
                            @Header(Libp2pConstants.PEER_ID) String peer,
                            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable error) {
        String reason = error instanceof Libp2pProducerException ? error.getMessage() : String.valueOf(error);
        targets.add(peer, reason);
        metrics.undelivered(peer);
    }

    /** Counts the rejection and logs it, rate-limited per reason. */
    public void report(@Header(REASON) String reason, @Header("OcErrorPeer") String peer,
                       @ExchangeProperty(UNDELIVERED_PROPERTY) UndeliveredTargets undelivered,
                       @ExchangeProperty(Exchange.FAILURE_ROUTE_ID) String route,
                       @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable error) {
        metrics.rejected(reason);
        String what = undelivered != null && UNDELIVERED.equals(reason)
                ? undelivered.getCount() + " targets did not get the event: " + undelivered.describe()
                : (route == null ? "" : "from route " + route + ", ")
                + (peer == null || peer.isEmpty() ? "" : "peer " + peer + ", ")
                + (error == null ? "" : error.getMessage());
        log.warn(reason, "rejected (" + reason + ") " + what);
    }

    /** Cuts a body the NATS server would refuse, keeping its start; header OcErrorTruncated says how large it was. */
    public void fitErrorBody(Message message) {
        byte[] body = message.getBody(byte[].class);
        long maxPayload = natsMaxPayload.getAsLong();
        long limit = maxPayload - Math.min(MAX_HEADER_ROOM, maxPayload / 8);
        if (body != null && body.length > limit) {
            message.setHeader(TRUNCATED, body.length);
            message.setBody(Arrays.copyOf(body, (int) Math.max(0, limit)));
        }
    }
}
