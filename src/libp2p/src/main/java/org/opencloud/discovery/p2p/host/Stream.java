package org.opencloud.discovery.p2p.host;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseNotifier;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.mux.BufferedBytes;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.rcmgr.StreamScope;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A stream whose protocol has been agreed by multistream-select, or proposed lazily and agreed meanwhile
 * ({@link Connection#newLazyStream}). Bytes that arrived in the same frames as the agreement are kept and
 * delivered first to the listener the application sets.
 *
 * <p>Threading and ownership follow {@link MuxedStream}: listener callbacks run on the connection's
 * event loop, buffers handed to the listener are the listener's to release, buffers written are
 * taken over by the stream. Bytes kept until the application takes them (the early bytes, a message
 * read to its end) stay counted in the stream's memory scope, so a peer cannot make us keep more than
 * its limits allow.
 */
public final class Stream {
    private final MuxedStream muxed;
    private final Connection connection;
    private final String protocol;
    private ByteBuf pending;
    private final BufferedBytes pendingBytes;
    private boolean pendingRemoteClose;
    private Throwable pendingReset;
    private MuxedStream.Listener listener;
    private volatile Libp2pException negotiationFailure;
    /** A lazily opened stream before the peer's echo: its FIN waits for the echo (see {@link #closeWrite}). */
    private volatile boolean agreementPending;
    private Promise<Void> finAfterAgreement;

    Stream(MuxedStream muxed, Connection connection, String protocol) {
        this.muxed = muxed;
        this.connection = connection;
        this.protocol = protocol;
        this.pendingBytes = new BufferedBytes(muxed);
    }

    public String protocol() {
        return protocol;
    }

    public PeerId remotePeer() {
        return connection.remotePeer();
    }

    public Multiaddr remoteAddress() {
        return connection.remoteAddress();
    }

    public Connection connection() {
        return connection;
    }

    public boolean isInitiator() {
        return muxed.isInitiator();
    }

    /** The resources this stream holds, counted in its connection's, peer's, protocol's and host's scopes. */
    public StreamScope scope() {
        return muxed.scope();
    }

    /** Sets who reads this stream; bytes and events already received are delivered to it first. */
    public void setListener(MuxedStream.Listener newListener) {
        if (!muxed.executor().inEventLoop()) {
            muxed.executor().execute(() -> setListener(newListener));
            return;
        }
        this.listener = newListener;
        ByteBuf data = pending;
        pending = null;
        if (data != null) {
            newListener.onData(muxed, data);
            pendingBytes.clear(); // the listener counts what it keeps
        }
        if (pendingReset != null) {
            newListener.onReset(muxed, pendingReset);
        } else if (pendingRemoteClose) {
            newListener.onRemoteClose(muxed);
        }
        muxed.resumeReading();
    }

    /**
     * The muxed stream's listener once the protocol is agreed, on the event loop: it keeps what arrives
     * until the application sets its own listener, and pauses reading meanwhile so that is little.
     */
    MuxedStream.Listener holdingListener() {
        if (listener == null) { // a lazily opened stream may have its listener before the agreement
            muxed.pauseReading();
        }
        agreementPending = false;
        if (finAfterAgreement != null) {
            muxed.closeWrite().addListener(new PromiseNotifier<>(finAfterAgreement));
            finAfterAgreement = null;
        }
        return new MuxedStream.Listener() {
            @Override
            public void onData(MuxedStream s, ByteBuf data) {
                if (listener != null) {
                    listener.onData(s, data);
                } else {
                    pending = pending == null ? data : Unpooled.wrappedBuffer(pending, data);
                    pendingBytes.set(pending.readableBytes());
                }
            }

            @Override
            public void onRemoteClose(MuxedStream s) {
                if (listener != null) {
                    listener.onRemoteClose(s);
                } else {
                    pendingRemoteClose = true;
                }
            }

            @Override
            public void onReset(MuxedStream s, Throwable cause) {
                if (listener != null) {
                    listener.onReset(s, cause);
                } else {
                    pendingReset = cause;
                    if (pending != null) {
                        pending.release();
                        pending = null;
                        pendingBytes.clear();
                    }
                }
            }
        };
    }

    /** Marks a stream opened lazily, before its negotiation starts. */
    void awaitAgreement() {
        agreementPending = true;
    }

    /**
     * A lazily opened stream's negotiation failed (refused, closed, reset, timed out) and the stream was reset:
     * on the event loop, told to the listener as a reset, now or once it is set.
     */
    void negotiationFailed(Libp2pException failure) {
        negotiationFailure = failure;
        agreementPending = false;
        if (finAfterAgreement != null) {
            finAfterAgreement.tryFailure(failure);
            finAfterAgreement = null;
        }
        if (listener != null) {
            listener.onReset(muxed, failure);
        } else {
            pendingReset = failure;
        }
    }

    /** Why this lazily opened stream failed its negotiation (the peer refused the protocol, ...), or null. */
    public Libp2pException negotiationFailure() {
        return negotiationFailure;
    }

    /** What a reader reports on a reset: the refused negotiation itself when that was the reason. */
    private Throwable resetFailure(String what, Throwable cause) {
        Libp2pException refused = negotiationFailure;
        return refused != null ? refused
                : new Libp2pException("stream " + protocol + " with " + remotePeer() + what, cause);
    }

    /** Writes {@code data} (taking ownership); the future completes once the peer's window admitted it. */
    public Future<Void> write(ByteBuf data) {
        return muxed.write(data);
    }

    /**
     * Closes our side for writing (FIN). On a lazily opened stream whose echo has not arrived yet, the FIN
     * waits for the echo while the data written before it has already left: js-libp2p's listener (3.3.11)
     * loses a request whose FIN reaches it before it has answered the proposal (ours and go's take it).
     */
    public Future<Void> closeWrite() {
        if (!agreementPending) {
            return muxed.closeWrite();
        }
        Promise<Void> closed = muxed.executor().newPromise();
        muxed.executor().execute(() -> {
            if (!agreementPending) {
                muxed.closeWrite().addListener(new PromiseNotifier<>(closed));
            } else if (finAfterAgreement == null) {
                finAfterAgreement = closed;
            } else {
                finAfterAgreement.addListener(new PromiseNotifier<>(closed));
            }
        });
        return closed;
    }

    public void reset() {
        muxed.reset();
    }

    /** Completes when both sides closed, or when the stream was reset. */
    public Future<Void> closeFuture() {
        return muxed.closeFuture();
    }

    /** See {@link MuxedStream#keepWhenIdle()}. */
    public void keepWhenIdle() {
        muxed.keepWhenIdle();
    }

    public void pauseReading() {
        muxed.pauseReading();
    }

    public void resumeReading() {
        muxed.resumeReading();
    }

    /**
     * Reads until the remote closes its write side and returns everything it sent. A message longer than
     * {@code maxBytes} resets the stream and fails the future with a {@link MessageTooLargeException}: the
     * sender learns it was refused.
     */
    public CompletableFuture<byte[]> readToEnd(int maxBytes) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        setListener(new MuxedStream.Listener() {
            private CompositeByteBuf received;
            private final BufferedBytes kept = new BufferedBytes(muxed);

            @Override
            public void onData(MuxedStream s, ByteBuf data) {
                if (result.isDone()) {
                    data.release();
                    return;
                }
                if (received == null) {
                    received = data.alloc().compositeBuffer(Integer.MAX_VALUE);
                }
                received.addComponent(true, data);
                kept.set(received.readableBytes());
                if (received.readableBytes() > maxBytes) {
                    received.release();
                    received = null;
                    kept.clear();
                    // fail first: the reset below calls onReset synchronously, which must not win
                    result.completeExceptionally(new MessageTooLargeException("message on " + protocol + " from "
                            + remotePeer() + " exceeds the limit of " + maxBytes + " bytes"));
                    s.reset();
                }
            }

            @Override
            public void onRemoteClose(MuxedStream s) {
                byte[] bytes = new byte[received == null ? 0 : received.readableBytes()];
                if (received != null) {
                    received.readBytes(bytes);
                    received.release();
                    received = null;
                    kept.clear();
                }
                result.complete(bytes);
            }

            @Override
            public void onReset(MuxedStream s, Throwable cause) {
                if (received != null) {
                    received.release();
                    received = null;
                    kept.clear();
                }
                result.completeExceptionally(resetFailure(" was reset before the message ended", cause));
            }
        });
        return result;
    }

    /**
     * Reads values separated by {@code '\n'} (as Go's json.Encoder writes them on a long-lived stream) until the
     * remote closes its side: each value, without its newline, goes to {@code onValue} on the event loop, empty
     * ones skipped. A value longer than {@code maxBytes} resets the stream and fails the future with a
     * {@link MessageTooLargeException}; a reset fails it too; the remote's close completes it.
     */
    public CompletableFuture<Void> readDelimited(int maxBytes, Consumer<byte[]> onValue) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        setListener(new MuxedStream.Listener() {
            private final CompositeByteBuf buffer = Unpooled.compositeBuffer(Integer.MAX_VALUE);
            private final BufferedBytes kept = new BufferedBytes(muxed);

            @Override
            public void onData(MuxedStream s, ByteBuf data) {
                if (result.isDone()) {
                    data.release();
                    return;
                }
                buffer.addComponent(true, data);
                int end;
                while ((end = buffer.indexOf(buffer.readerIndex(), buffer.writerIndex(), (byte) '\n')) >= 0) {
                    if (end - buffer.readerIndex() > maxBytes) {
                        tooLarge(s);
                        return;
                    }
                    emit(end - buffer.readerIndex());
                    buffer.skipBytes(1);
                }
                buffer.discardReadComponents();
                kept.set(buffer.readableBytes());
                if (buffer.readableBytes() > maxBytes) {
                    tooLarge(s);
                }
            }

            private void tooLarge(MuxedStream s) {
                buffer.release();
                kept.clear();
                // fail first: the reset below calls onReset synchronously, which must not win
                result.completeExceptionally(new MessageTooLargeException("a value on " + protocol + " from "
                        + remotePeer() + " exceeds the limit of " + maxBytes + " bytes"));
                s.reset();
            }

            private void emit(int length) {
                byte[] value = new byte[length];
                buffer.readBytes(value);
                if (length > 0) {
                    onValue.accept(value);
                }
            }

            @Override
            public void onRemoteClose(MuxedStream s) {
                if (!result.isDone()) {
                    if (buffer.isReadable()) {
                        emit(buffer.readableBytes());
                    }
                    buffer.release();
                    kept.clear();
                    result.complete(null);
                }
            }

            @Override
            public void onReset(MuxedStream s, Throwable cause) {
                if (!result.isDone()) {
                    buffer.release();
                    kept.clear();
                    result.completeExceptionally(resetFailure(" was reset", cause));
                }
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return "stream " + muxed.id() + " " + protocol + " with " + connection.remotePeer();
    }
}
