package org.opencloud.discovery.camel;

import io.netty.buffer.Unpooled;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.ObjectHelper;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the body as one message on a new stream: open, write, close the write side, then wait until
 * the remote closes too (it has taken the message) or resets (it refused it). Bytes the remote wrote
 * before closing become the message body; when it wrote none, the body sent stays in place. Such deliveries
 * wait for room in the component's {@link Libp2pDeliveryWindow}; the timeout counts from the exchange's arrival.
 * With {@code keepOpen}, the body and a newline go on the peer's long-lived stream instead, which the endpoint
 * keeps ({@link Libp2pKeptStreams}).
 */
public class Libp2pProducer extends DefaultAsyncProducer {
    private static final String NOT_STARTED = "the libp2p component is not started";
    /** More peers than a producer sends to: past it the parsed ids are forgotten and parsed again. */
    private static final int MAX_PARSED_PEER_IDS = 4096;

    private final Map<String, PeerId> peerIds = new ConcurrentHashMap<>();

    private Multiaddr peerAddress;
    private Libp2pKeptStreams kept;

    public Libp2pProducer(Libp2pEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public Libp2pEndpoint getEndpoint() {
        return (Libp2pEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        String configured = getEndpoint().getConfiguration().getPeerAddress();
        if (configured != null) {
            peerAddress = Multiaddr.of(configured);
            if (peerAddress.peerId() == null) {
                throw new IllegalArgumentException("peerAddress " + configured + " must end with /p2p/<peer id>");
            }
        }
        kept = getEndpoint().getConfiguration().isKeepOpen() ? getEndpoint().keptStreams() : null;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String protocol = getEndpoint().getConfiguration().getProtocol();
        Object peerHeader = exchange.getMessage().getHeader(Libp2pConstants.PEER_ID);
        String peerText = peerHeader != null ? peerHeader.toString() : null;
        try {
            PeerId peer = targetPeer(peerHeader);
            peerText = peer.toString();
            if (kept != null && exchange.getMessage().getHeader(Libp2pConstants.CLOSE_STREAM, false, Boolean.class)) {
                kept.close(peer);
                callback.done(true);
                return true;
            }
            List<Multiaddr> addresses = targetAddresses(exchange, peer);
            byte[] body = exchange.getMessage().getMandatoryBody(byte[].class);
            if (kept != null) {
                Host host = getEndpoint().getComponent().activeHost();
                if (host == null) {
                    throw new IllegalStateException(NOT_STARTED);
                }
                kept.send(host, peer, addresses, body).whenComplete((ok, error) ->
                        complete(exchange, callback, peer, protocol, error, null));
            } else {
                Libp2pComponent component = getEndpoint().getComponent();
                Libp2pDeliveryWindow window = component.deliveryWindow();
                Timer timeouts = component.timeouts();
                if (window == null || timeouts == null) {
                    throw new IllegalStateException(NOT_STARTED);
                }
                window.submit(peer, new Delivery(exchange, callback, peer, protocol, addresses, body, window)
                        .armed(timeouts));
            }
            return false;
        } catch (Exception e) {
            exchange.setException(new Libp2pProducerException(peerText, protocol, reason(e), exchange, e));
            callback.done(true);
            return true;
        }
    }

    private PeerId targetPeer(Object header) {
        if (header instanceof PeerId peer) {
            return peer;
        }
        if (header != null) {
            return parsedPeerId(header.toString().trim());
        }
        String configured = getEndpoint().getConfiguration().getPeerId();
        if (configured != null) {
            return PeerId.fromString(configured.trim());
        }
        if (peerAddress != null) {
            return peerAddress.peerId();
        }
        throw new IllegalArgumentException("no target peer: set the " + Libp2pConstants.PEER_ID
                + " header, or the peerId or peerAddress option");
    }

    /** A peer id the header names, parsed once per text (base58 arithmetic, at every message otherwise). */
    private PeerId parsedPeerId(String text) {
        PeerId known = peerIds.get(text);
        if (known != null) {
            return known;
        }
        PeerId parsed = PeerId.fromString(text); // text that is no peer id throws, and is not kept
        if (peerIds.size() >= MAX_PARSED_PEER_IDS) {
            peerIds.clear();
        }
        peerIds.put(text, parsed);
        return parsed;
    }

    /** The header's addresses, else peerAddress when it names this peer, else the resolver's. */
    private List<Multiaddr> targetAddresses(Exchange exchange, PeerId peer) {
        List<Multiaddr> addresses = new ArrayList<>();
        Object header = exchange.getMessage().getHeader(Libp2pConstants.PEER_ADDRESSES);
        for (Object item : ObjectHelper.createIterable(header, ",")) {
            if (item instanceof Multiaddr address) {
                addresses.add(address);
            } else if (item != null && !item.toString().isBlank()) {
                addresses.add(Multiaddr.of(item.toString().trim()));
            }
        }
        if (addresses.isEmpty() && peerAddress != null && peer.equals(peerAddress.peerId())) {
            addresses.add(peerAddress);
        }
        Libp2pPeerAddressResolver resolver = getEndpoint().getComponent().getPeerAddressResolver();
        if (addresses.isEmpty() && resolver != null) {
            addresses.addAll(resolver.addresses(peer));
        }
        return addresses;
    }

    /** Completes the exchange off the host's event loops: failed with {@code error}, or with the remote's reply. */
    private void complete(Exchange exchange, AsyncCallback callback, PeerId peer, String protocol, Throwable error,
                          byte[] reply) {
        Runnable complete = () -> {
            if (error != null) {
                exchange.setException(new Libp2pProducerException(peer.toString(), protocol, reason(error),
                        exchange, error instanceof CompletionException ? error.getCause() : error));
            } else if (reply != null && reply.length > 0) {
                exchange.getMessage().setBody(reply);
            }
            callback.done(false);
        };
        ExecutorService workers = getEndpoint().getComponent().workerPool();
        if (workers != null) {
            try {
                workers.execute(complete);
                return;
            } catch (RejectedExecutionException stopping) { // the pool takes no more: completed here, below
            }
        }
        complete.run();
    }

    private static String reason(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /**
     * One message: waits for room in the window, then goes on its own stream; completes the exchange exactly once,
     * off the host's event loops, and gives its room back exactly once.
     */
    private final class Delivery implements Runnable {
        private static final int WAITING = 0;
        private static final int STARTED = 1;
        private static final int ENDED_WAITING = 2;

        private final Exchange exchange;
        private final AsyncCallback callback;
        private final PeerId peer;
        private final String protocol;
        private final List<Multiaddr> addresses;
        private final byte[] body;
        private final Libp2pDeliveryWindow window;
        private final AtomicBoolean finished = new AtomicBoolean();
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private volatile Timeout timeout;
        private volatile Stream stream;

        Delivery(Exchange exchange, AsyncCallback callback, PeerId peer, String protocol, List<Multiaddr> addresses,
                 byte[] body, Libp2pDeliveryWindow window) {
            this.exchange = exchange;
            this.callback = callback;
            this.peer = peer;
            this.protocol = protocol;
            this.addresses = addresses;
            this.body = body;
            this.window = window;
        }

        /** Starts the clock, before the delivery is submitted: the timeout counts the wait for room. */
        Delivery armed(Timer timeouts) {
            long millis = getEndpoint().getConfiguration().getTimeout();
            timeout = timeouts.newTimeout(expired -> finish(null, new TimeoutException(
                    (state.get() == STARTED ? "no answer within " : "no room to start within ") + millis + " ms")),
                    millis, TimeUnit.MILLISECONDS);
            if (finished.get()) { // the timer ran before the field was set
                timeout.cancel();
            }
            return this;
        }

        /** There is room: opens the stream, unless the delivery ended while it waited. */
        @Override
        public void run() {
            if (!state.compareAndSet(WAITING, STARTED)) {
                window.release(peer);
                return;
            }
            try {
                Host host = getEndpoint().getComponent().activeHost();
                if (host == null) {
                    throw new IllegalStateException(NOT_STARTED);
                }
                int maxReply = getEndpoint().getConfiguration().getMaxMessageSize();
                host.newLazyStream(peer, addresses, protocol).whenComplete((opened, error) -> {
                    if (error != null) {
                        finish(null, error);
                        return;
                    }
                    stream = opened;
                    if (finished.get()) {
                        opened.reset();
                        return;
                    }
                    opened.write(Unpooled.wrappedBuffer(body));
                    opened.closeWrite();
                    opened.readToEnd(maxReply).whenComplete(this::finish);
                });
            } catch (RuntimeException e) {
                finish(null, e);
            }
        }

        private void finish(byte[] reply, Throwable error) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            Timeout clock = timeout;
            if (clock != null) {
                clock.cancel();
            }
            Stream open = stream;
            if (error != null && open != null) {
                open.reset();
            }
            complete(exchange, callback, peer, protocol, error, reply);
            if (!state.compareAndSet(WAITING, ENDED_WAITING)) {
                window.release(peer); // started: its room is free again (one that ended waiting gives it back in run)
            }
        }
    }
}
