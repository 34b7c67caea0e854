package org.opencloud.discovery.node;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The node's one connection to its NATS server, shared by every {@code nats:} endpoint of the routes. It is
 * made whether or not NATS is up: jnats keeps trying for ever, sends the routes' subscriptions once it
 * connects and again after every reconnect, and keeps what is published meanwhile in its reconnect buffer.
 * A node therefore starts before its NATS and survives NATS restarts; readiness says whether it is connected.
 * The server does not echo the node's own publishes to its subscriptions: what it publishes on a subject its
 * routes follow (each partner's event on CREATE_RESOURCE, which the peer directory follows) would only be read,
 * parsed and dropped as the node's own (a tenth of a receiving node's CPU). JetStream consumers still get every
 * message their stream holds, the node's own too.
 */
final class NodeNatsConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeNatsConnection.class);
    /** jnats reports its first attempt's outcome within its connect timeout (2 s by default). */
    private static final Duration FIRST_ATTEMPT = Duration.ofSeconds(30);
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(1);
    private static final long DEFAULT_MAX_PAYLOAD = 1024 * 1024;

    private final String servers;
    private final CompletableFuture<Connection> created = new CompletableFuture<>();
    private final AtomicBoolean down = new AtomicBoolean();
    private final List<Consumer<Connection>> onConnected = new CopyOnWriteArrayList<>();

    NodeNatsConnection(String servers, String name) {
        this.servers = servers;
        Options options = new Options.Builder()
                .servers(servers.split("\\s*,\\s*"))
                .connectionName(name)
                .noEcho()
                .maxReconnects(-1)
                .reconnectWait(RECONNECT_WAIT)
                // a server that went away without closing the socket is noticed within two pings
                .pingInterval(Duration.ofSeconds(10))
                .connectionListener(listener())
                .errorListener(new LoggingErrorListener())
                .build();
        try {
            // asynchronously: the node starts (and reports itself not ready) while NATS is still down
            Nats.connectAsynchronously(options, true);
            created.get(FIRST_ATTEMPT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS at " + servers, e);
        } catch (Exception e) {
            throw new IllegalStateException("jnats made no first attempt to connect to " + servers + " within "
                    + FIRST_ATTEMPT, e);
        }
    }

    private ConnectionListener listener() {
        return (connection, event) -> {
            created.complete(connection);
            switch (event) {
                case CONNECTED, RECONNECTED -> {
                    down.set(false);
                    LOG.info("NATS {} to {}", event.name().toLowerCase(Locale.ROOT), connection.getConnectedUrl());
                    onConnected.forEach(listener -> listener.accept(connection));
                }
                case DISCONNECTED -> { // once per outage, not once per attempt
                    if (down.compareAndSet(false, true)) {
                        LOG.warn("NATS not connected ({}); retrying every {} s", servers, RECONNECT_WAIT.toSeconds());
                    }
                }
                default -> LOG.debug("NATS {}", event);
            }
        };
    }

    /** The connection, made before NATS may be up. */
    Connection connection() {
        return created.join();
    }

    /** Calls {@code listener} after every connect and reconnect (on jnats's callback thread: it must not block). */
    void onConnected(Consumer<Connection> listener) {
        onConnected.add(listener);
    }

    void removeOnConnected(Consumer<Connection> listener) {
        onConnected.remove(listener);
    }

    /** Whether the server announced JetStream in its last INFO (false before the first connect). */
    boolean isJetStreamAvailable() {
        return connection().getServerInfo().isJetStreamAvailable();
    }

    String servers() {
        return servers;
    }

    /** The largest message the server takes (max_payload of its INFO); NATS's default before it first answers. */
    long maxPayload() {
        long announced = connection().getServerInfo().getMaxPayload(); // jnats's empty INFO says 0
        return announced > 0 ? announced : DEFAULT_MAX_PAYLOAD;
    }

    boolean isConnected() {
        return connection().getStatus() == Connection.Status.CONNECTED;
    }

    @Override
    public void close() throws InterruptedException {
        connection().close();
    }

    /** jnats's own error listener prints through java.util.logging; the node logs through slf4j. */
    private static final class LoggingErrorListener implements ErrorListener {
        @Override
        public void errorOccurred(Connection conn, String error) {
            LOG.warn("NATS error: {}", error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            if (exp instanceof IOException) { // a refused or broken connection: the outage is logged once above
                LOG.debug("NATS: {}", exp.toString());
            } else {
                LOG.warn("NATS: {}", exp.toString());
            }
        }
    }
}
