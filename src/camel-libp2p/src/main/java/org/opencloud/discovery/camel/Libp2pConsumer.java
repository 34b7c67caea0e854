package org.opencloud.discovery.camel;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.MessageTooLargeException;
import org.opencloud.discovery.p2p.host.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the endpoint's protocol: each inbound stream carries one message, read to its end and routed
 * as one exchange on the component's worker pool. Success closes the stream (the sender sees it
 * delivered); failure resets it (the sender's exchange fails). Nothing is written back. With
 * {@code keepOpen}, a stream carries newline-separated values, each routed as one exchange, in order.
 */
public class Libp2pConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(Libp2pConsumer.class);

    private final AtomicLong droppedMessages = new AtomicLong();
    private Host host;

    public Libp2pConsumer(Libp2pEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public Libp2pEndpoint getEndpoint() {
        return (Libp2pEndpoint) super.getEndpoint();
    }

    /** Inbound messages never routed: larger than maxMessageSize, or aborted by the sender. */
    public long getDroppedMessages() {
        return droppedMessages.get();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        String protocol = getEndpoint().getConfiguration().getProtocol();
        host = getEndpoint().getComponent().activeHost();
        if (host.protocols().contains(protocol)) {
            throw new IllegalStateException("protocol " + protocol + " is already served by host " + host.peerId());
        }
        host.handle(protocol, this::receive);
    }

    @Override
    protected void doStop() throws Exception {
        if (host != null) {
            host.unhandle(getEndpoint().getConfiguration().getProtocol());
            host = null;
        }
        super.doStop();
    }

    /** On the connection's event loop: read, then leave it for a worker. */
    private void receive(Stream stream) {
        int limit = getEndpoint().getConfiguration().getMaxMessageSize();
        if (getEndpoint().getConfiguration().isKeepOpen()) {
            receiveValues(stream, limit);
            return;
        }
        stream.readToEnd(limit).whenComplete((body, error) -> {
            if (error != null) {
                dropped(stream, error);
                return;
            }
            try {
                getEndpoint().getComponent().workerPool().execute(() -> route(stream, body));
            } catch (RejectedExecutionException e) {
                stream.reset();
                getExceptionHandler().handleException("no worker for a message on " + stream.protocol()
                        + " from " + stream.remotePeer(), e);
            }
        });
    }

    /**
     * A long-lived stream: one exchange per newline-separated value, in the order they came, each after the
     * previous one is done. A failed exchange resets the stream (the sender opens a new one); the sender's
     * close is answered with ours.
     */
    private void receiveValues(Stream stream, int limit) {
        AtomicReference<CompletableFuture<Void>> last = new AtomicReference<>(CompletableFuture.completedFuture(null));
        stream.readDelimited(limit, value -> last.updateAndGet(previous -> previous.thenCompose(done -> routeValue(stream, value))))
                .whenComplete((ended, error) -> {
                    if (error != null) {
                        dropped(stream, error);
                    } else {
                        last.get().whenComplete((done, failed) -> stream.closeWrite());
                    }
                });
    }

    private CompletableFuture<Void> routeValue(Stream stream, byte[] value) {
        CompletableFuture<Void> routed = new CompletableFuture<>();
        Exchange exchange = exchangeFor(stream, value);
        getEndpoint().getComponent().workerPool().execute(() -> getAsyncProcessor().process(exchange, doneSync -> {
            try {
                if (exchange.getException() != null) {
                    stream.reset();
                    routed.completeExceptionally(exchange.getException());
                } else {
                    routed.complete(null);
                }
            } finally {
                releaseExchange(exchange, false);
            }
        }));
        return routed;
    }

    /**
     * A message never routed. One over the limit goes to the endpoint's {@code exceptionHandler} when it has
     * one, with the sender's headers, so an application can keep it on its error path; otherwise it is
     * logged. A sender that gave up is only counted.
     */
    private void dropped(Stream stream, Throwable error) {
        droppedMessages.incrementAndGet();
        if (!(error instanceof MessageTooLargeException)) {
            LOG.debug("dropped a message on {} from {}: {}", stream.protocol(), stream.remotePeer(), error.getMessage());
        } else if (getEndpoint().getExceptionHandler() != null) {
            Exchange exchange = exchangeFor(stream, null);
            try {
                getExceptionHandler().handleException(error.getMessage(), exchange, error);
            } finally {
                releaseExchange(exchange, false);
            }
        } else {
            LOG.warn("dropped a message: {}", error.getMessage());
        }
    }

    private Exchange exchangeFor(Stream stream, byte[] body) {
        Exchange exchange = createExchange(false);
        Message message = exchange.getIn();
        message.setBody(body);
        message.setHeader(Libp2pConstants.PEER_ID, stream.remotePeer().toString());
        message.setHeader(Libp2pConstants.PROTOCOL, stream.protocol());
        message.setHeader(Libp2pConstants.REMOTE_ADDRESS, stream.remoteAddress().toString());
        return exchange;
    }

    private void route(Stream stream, byte[] body) {
        Exchange exchange = exchangeFor(stream, body);
        getAsyncProcessor().process(exchange, doneSync -> {
            try {
                if (exchange.getException() != null) {
                    // the route's error handler has dealt with the failure (logged it, kept the message)
                    stream.reset();
                    LOG.debug("reset the stream of a message on {} from {}: {}", stream.protocol(),
                            stream.remotePeer(), exchange.getException().getMessage());
                } else {
                    stream.closeWrite();
                }
            } finally {
                releaseExchange(exchange, false);
            }
        });
    }
}
