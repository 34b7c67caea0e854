package org.opencloud.discovery.p2p.host;

import io.netty.channel.Channel;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PublicKey;
import org.opencloud.discovery.p2p.mux.yamux.YamuxSession;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.opencloud.discovery.p2p.multistream.MultistreamNegotiation;
import org.opencloud.discovery.p2p.multistream.MuxedStreamNegotiator;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * An upgraded connection to one authenticated peer: a secured, multiplexed TCP channel.
 */
public final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private final Channel channel;
    private final PeerId remotePeer;
    private final PublicKey remoteKey;
    private final Multiaddr remoteAddress;
    private final boolean inbound;
    private final YamuxSession session;
    private final Host host;
    private volatile long idleSinceNanos = System.nanoTime();

    Connection(Host host, Channel channel, PeerId remotePeer, PublicKey remoteKey, Multiaddr remoteAddress,
               boolean inbound, YamuxSession session) {
        this.host = host;
        this.channel = channel;
        this.remotePeer = remotePeer;
        this.remoteKey = remoteKey;
        this.remoteAddress = remoteAddress;
        this.inbound = inbound;
        this.session = session;
    }

    public PeerId remotePeer() {
        return remotePeer;
    }

    public PublicKey remotePublicKey() {
        return remoteKey;
    }

    public Multiaddr remoteAddress() {
        return remoteAddress;
    }

    public boolean isInbound() {
        return inbound;
    }

    public boolean isOpen() {
        return channel.isActive() && session.isOpen();
    }

    public int streamCount() {
        return session.streamCount();
    }

    /** Opens a stream and agrees on the first of {@code protocols} that the peer serves. */
    public CompletableFuture<Stream> newStream(List<String> protocols) {
        return openMuxed((muxed, result) -> negotiate(muxed, MultistreamNegotiation.initiator(protocols))
                .addListener(n -> {
                    if (n.isSuccess() && !muxed.scope().setProtocol(((Stream) n.getNow()).protocol())) {
                        muxed.reset();
                        result.completeExceptionally(refusedByResourceManager(((Stream) n.getNow()).protocol()));
                    } else if (n.isSuccess()) {
                        result.complete((Stream) n.getNow());
                    } else {
                        result.completeExceptionally(new Libp2pException("cannot open " + protocols + " with "
                                + remotePeer + ": " + n.cause().getMessage(), n.cause()));
                    }
                }));
    }

    /**
     * Opens a stream for {@code protocol} without waiting for the peer's answer: optimistic ("lazy")
     * multistream-select, as go-libp2p opens streams. Header, proposal and the caller's first writes leave
     * in one flight and the stream is returned at once; the peer's header and echo are read before its
     * data reaches the stream's listener. If the peer refuses the protocol (or closes first), the stream is
     * reset and its listener's {@code onReset} gets the failure, which {@link Stream#readToEnd} passes on.
     * For one-shot exchanges with one protocol; a caller that must know before writing, or that offers
     * alternatives, uses {@link #newStream}.
     */
    public CompletableFuture<Stream> newLazyStream(String protocol) {
        // on the stream's loop, so that header and proposal are written before anything the caller writes; at
        // once when the stream opened there (as it does), so that they leave in the flush of the stream's open
        return openMuxed((muxed, result) -> {
            if (muxed.executor().inEventLoop()) {
                startLazily(muxed, protocol, result);
            } else {
                muxed.executor().execute(() -> startLazily(muxed, protocol, result));
            }
        });
    }

    /** Opens a muxed stream and hands it over with the future it completes; the future fails if none opens. */
    private CompletableFuture<Stream> openMuxed(BiConsumer<MuxedStream, CompletableFuture<Stream>> opened) {
        if (!isOpen()) {
            return CompletableFuture.failedFuture(new Libp2pException("connection to " + remotePeer + " is closed"));
        }
        CompletableFuture<Stream> result = new CompletableFuture<>();
        session.openStream().addListener(f -> {
            if (f.isSuccess()) {
                opened.accept((MuxedStream) f.getNow(), result);
            } else {
                result.completeExceptionally(new Libp2pException("cannot open a stream to " + remotePeer + ": "
                        + f.cause().getMessage(), f.cause()));
            }
        });
        return result;
    }

    private void startLazily(MuxedStream muxed, String protocol, CompletableFuture<Stream> result) {
        if (!muxed.scope().setProtocol(protocol)) {
            muxed.reset();
            result.completeExceptionally(refusedByResourceManager(protocol));
            return;
        }
        touch();
        Stream stream = new Stream(muxed, this, protocol);
        stream.awaitAgreement();
        MuxedStreamNegotiator.negotiate(muxed, MultistreamNegotiation.initiator(List.of(protocol)), channel.alloc(),
                host.config().handshakeTimeout(), p -> stream.holdingListener()).addListener(n -> {
                    if (!n.isSuccess()) {
                        stream.negotiationFailed(new Libp2pException("cannot open " + protocol + " with "
                                + remotePeer + ": " + n.cause().getMessage(), n.cause()));
                    }
                });
        result.complete(stream);
    }

    private Libp2pException refusedByResourceManager(String protocol) {
        return new Libp2pException("cannot open " + protocol + " with " + remotePeer
                + ": the protocol has as many streams or bytes as the resource manager allows");
    }

    /** Serves a stream the peer opened: agrees on a protocol we handle, asks the stream gate, then calls its handler. */
    void accept(MuxedStream muxed) {
        negotiate(muxed, MultistreamNegotiation.responder(p -> host.handler(p) != null)).addListener(n -> {
            if (!n.isSuccess()) {
                LOG.info("inbound stream from {} refused: {}", remotePeer, n.cause().getMessage());
                return;
            }
            Stream stream = (Stream) n.getNow();
            if (!host.admission().admit(stream)) {
                return;
            }
            if (!stream.scope().setProtocol(stream.protocol())) {
                LOG.debug("{} reset: its protocol has as many streams or bytes as the resource manager allows", stream);
                stream.reset();
                return;
            }
            StreamHandler handler = host.handler(stream.protocol());
            try {
                if (handler == null) { // unregistered since the negotiation
                    stream.reset();
                } else {
                    handler.handle(stream);
                }
            } catch (RuntimeException e) {
                LOG.warn("handler of {} failed on {}", stream.protocol(), stream, e);
                stream.reset();
            }
        });
    }

    /** Runs multistream-select on {@code muxed}; the future completes with the agreed {@link Stream}. */
    private Future<Stream> negotiate(MuxedStream muxed, MultistreamNegotiation negotiation) {
        touch();
        Stream[] agreed = new Stream[1];
        Promise<Stream> result = muxed.executor().newPromise();
        MuxedStreamNegotiator.negotiate(muxed, negotiation, channel.alloc(), host.config().handshakeTimeout(),
                protocol -> {
                    agreed[0] = new Stream(muxed, this, protocol);
                    return agreed[0].holdingListener();
                }).addListener(n -> {
                    if (n.isSuccess()) {
                        result.setSuccess(agreed[0]);
                    } else {
                        result.setFailure(n.cause());
                    }
                });
        return result;
    }

    public CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.close().addListener(f -> channel.close().addListener(c -> done.complete(null)));
        return done;
    }

    Channel channel() {
        return channel;
    }

    YamuxSession session() {
        return session;
    }

    Host host() {
        return host;
    }

    void touch() {
        idleSinceNanos = System.nanoTime();
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    @Override
    public String toString() {
        return (inbound ? "inbound" : "outbound") + " connection with " + remotePeer + " at " + remoteAddress;
    }
}
