package org.opencloud.discovery.node;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Publishes on the node's NATS and says when the server accepted the message, which a plain jnats publish never
 * does (it is buffered, also while the connection is down, and not acknowledged). When a JetStream stream captures
 * the subject: a JetStream publish, accepted once the stream acknowledged it (a stream that already had its
 * {@code Nats-Msg-Id} acknowledges it as a duplicate). Otherwise: a core publish followed by a PING, accepted once
 * its PONG came back, since a server processes a connection's messages in order; concurrent publishes share one
 * round trip. Either fails at once while the connection is not connected (instead of leaving the message in the
 * client's reconnect buffer), after {@code timeout} without an answer, and when the connection was made again
 * between the publish and the PONG (the message may have gone with the old one).
 */
final class ConfirmedPublisher {
    /** How long the answer to "does a stream capture this subject?" is trusted (an operator may add one). */
    private static final long STREAM_LOOKUP_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final NodeNatsConnection nats;
    private final Duration timeout;
    private final ExecutorService flusher;
    private final Map<String, StreamLookup> streams = new ConcurrentHashMap<>();
    private final Consumer<Connection> onConnected = connection -> streams.clear();
    private final Object lock = new Object();
    private volatile JetStream jetStream;
    private List<Pending> pending = new ArrayList<>(); // guarded by lock
    private boolean flushing; // guarded by lock

    /** @param flusher one thread, which waits for the round trips of core publishes */
    ConfirmedPublisher(NodeNatsConnection nats, Duration timeout, ExecutorService flusher) {
        this.nats = nats;
        this.timeout = timeout;
        this.flusher = flusher;
        nats.onConnected(onConnected);
    }

    /** Completes once the server accepted {@code message}; fails with a {@link NotConfirmedException} otherwise. */
    CompletableFuture<Void> publish(Message message) {
        Connection connection = nats.connection();
        if (connection.getStatus() != Connection.Status.CONNECTED) {
            return failed("NATS is not connected (" + connection.getStatus() + ")", null);
        }
        long reconnects = connection.getStatistics().getReconnects();
        try {
            if (capturedByStream(connection, message.getSubject())) {
                return jetStream(connection).publishAsync(message)
                        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .handle((ack, error) -> {
                            if (error != null) { // the stream may be gone: look again next time
                                streams.remove(message.getSubject());
                                throw new NotConfirmedException("the stream capturing " + message.getSubject()
                                        + " did not acknowledge the message: " + describe(error), error);
                            }
                            return null;
                        });
            }
            connection.publish(message);
        } catch (IOException | RuntimeException e) {
            return failed("cannot publish on " + message.getSubject() + ": " + describe(e), e);
        }
        return afterRoundTrip(reconnects);
    }

    private JetStream jetStream(Connection connection) throws IOException {
        JetStream context = jetStream;
        if (context == null) {
            context = connection.jetStream();
            jetStream = context;
        }
        return context;
    }

    /** Whether a stream captures {@code subject}, asked of the server at most every few seconds. */
    private boolean capturedByStream(Connection connection, String subject) throws IOException {
        if (!connection.getServerInfo().isJetStreamAvailable()) {
            return false;
        }
        StreamLookup known = streams.get(subject);
        if (known != null && System.nanoTime() - known.at < STREAM_LOOKUP_NANOS) {
            return known.captured;
        }
        boolean captured;
        try {
            captured = !connection.jetStreamManagement().getStreamNames(subject).isEmpty();
        } catch (JetStreamApiException noJetStreamForThisAccount) {
            captured = false;
        }
        streams.put(subject, new StreamLookup(captured, System.nanoTime()));
        return captured;
    }

    private CompletableFuture<Void> afterRoundTrip(long reconnects) {
        Pending waiting = new Pending(new CompletableFuture<>(), reconnects);
        boolean start;
        synchronized (lock) {
            pending.add(waiting);
            start = !flushing;
            flushing = true;
        }
        if (start) {
            try {
                flusher.execute(this::roundTrips);
            } catch (RejectedExecutionException stopping) {
                synchronized (lock) {
                    flushing = false;
                }
                failAll(drain(), "the node is stopping", stopping);
            }
        }
        return waiting.accepted;
    }

    /** On the flusher thread: one PING/PONG for everything published before it, until nothing waits. */
    private void roundTrips() {
        for (List<Pending> batch = drain(); !batch.isEmpty(); batch = drain()) {
            Connection connection = nats.connection();
            try {
                connection.flush(timeout);
            } catch (TimeoutException e) {
                failAll(batch, "NATS did not answer within " + timeout.toMillis() + " ms", e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failAll(batch, "the node is stopping", e);
                continue;
            } catch (RuntimeException e) { // leaving would keep 'flushing' set: no round trip would ever start again
                failAll(batch, "cannot ask NATS: " + e, e);
                continue;
            }
            long reconnects = connection.getStatistics().getReconnects();
            for (Pending waiting : batch) {
                if (waiting.reconnects == reconnects) {
                    waiting.accepted.complete(null);
                } else {
                    waiting.accepted.completeExceptionally(new NotConfirmedException(
                            "the NATS connection was made again before the server confirmed the message"));
                }
            }
        }
    }

    /** What waits for a round trip; the flushing flag is cleared when nothing does. */
    private List<Pending> drain() {
        synchronized (lock) {
            List<Pending> batch = pending;
            pending = new ArrayList<>();
            if (batch.isEmpty()) {
                flushing = false;
            }
            return batch;
        }
    }

    private static void failAll(List<Pending> batch, String reason, Throwable cause) {
        batch.forEach(waiting -> waiting.accepted.completeExceptionally(new NotConfirmedException(reason, cause)));
    }

    private static CompletableFuture<Void> failed(String reason, Throwable cause) {
        return CompletableFuture.failedFuture(new NotConfirmedException(reason, cause));
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof TimeoutException ? "no answer within the publish timeout" : cause.toString();
    }

    void close() {
        nats.removeOnConnected(onConnected);
    }

    private record Pending(CompletableFuture<Void> accepted, long reconnects) {
    }

    private record StreamLookup(boolean captured, long at) {
    }
}
