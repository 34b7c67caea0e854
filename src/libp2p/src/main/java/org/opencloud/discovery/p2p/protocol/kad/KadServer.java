package org.opencloud.discovery.p2p.protocol.kad;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.host.VarintFrameReader;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto.Message;
import org.opencloud.discovery.p2p.record.InvalidRecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers DHT requests on inbound streams, one at a time and as many as the peer sends (go reuses a stream).
 * A request we cannot or will not answer (malformed, unknown type, invalid or stale record) resets the stream
 * and is counted; the peer learns it was refused, as go's handlers do on error.
 */
final class KadServer {
    private static final Logger LOG = LoggerFactory.getLogger(KadServer.class);

    private final Host host;
    private final RoutingTable table;
    private final RecordStore store;
    private final RecordValidators validators;
    private final int maxMessageSize;
    private final Duration idleTimeout;
    private final AtomicLong refused = new AtomicLong();

    KadServer(Host host, RoutingTable table, RecordStore store, RecordValidators validators, int maxMessageSize,
              Duration idleTimeout) {
        this.host = host;
        this.table = table;
        this.store = store;
        this.validators = validators;
        this.maxMessageSize = maxMessageSize;
        this.idleTimeout = idleTimeout;
    }

    long refusedRequests() {
        return refused.get();
    }

    void serve(Stream stream) {
        PeerId from = stream.remotePeer();
        AtomicLong lastRequest = new AtomicLong(System.nanoTime());
        resetWhenIdle(stream, lastRequest, idleTimeout.toNanos());
        stream.setListener(new VarintFrameReader(maxMessageSize, new VarintFrameReader.Frames() {
            @Override
            public void onFrame(MuxedStream s, byte[] frame) {
                lastRequest.set(System.nanoTime());
                try {
                    s.write(KadMessages.frame(answer(Message.parseFrom(frame), from)));
                } catch (InvalidProtocolBufferException | Libp2pException e) {
                    refuse(s, from, e.getMessage());
                }
            }

            @Override
            public void onEnd(MuxedStream s) {
                s.closeWrite();
            }

            @Override
            public void onFailure(MuxedStream s, String reason) {
                if (!"stream reset".equals(reason)) {
                    refused.incrementAndGet();
                    LOG.debug("DHT stream from {} refused: {}", from, reason);
                }
            }
        }));
    }

    /** Resets {@code stream} once no request came for {@code idle} ns: a peer cannot park streams here. */
    private void resetWhenIdle(Stream stream, AtomicLong lastRequest, long idle) {
        long wait = lastRequest.get() + idle - System.nanoTime();
        CompletableFuture.delayedExecutor(Math.max(wait, 0), TimeUnit.NANOSECONDS).execute(() -> {
            if (stream.closeFuture().isDone()) {
                return;
            }
            if (System.nanoTime() - lastRequest.get() >= idle) {
                LOG.debug("DHT stream from {} idle for {}: reset", stream.remotePeer(), idleTimeout);
                stream.reset();
            } else {
                resetWhenIdle(stream, lastRequest, idle);
            }
        });
    }

    private void refuse(MuxedStream s, PeerId from, String reason) {
        refused.incrementAndGet();
        LOG.debug("DHT request from {} refused: {}", from, reason);
        s.reset();
    }

    /** The answer to {@code request} of {@code from}; a {@link Libp2pException} for one we refuse. */
    Message answer(Message request, PeerId from) {
        return switch (request.getType()) {
            case FIND_NODE -> findNode(request, from);
            case GET_VALUE -> getValue(request, from);
            case PUT_VALUE -> putValue(request);
            case PING -> Message.newBuilder().setType(Message.MessageType.PING).build();
            default -> throw new Libp2pException("unsupported DHT request type " + request.getTypeValue());
        };
    }

    private Message findNode(Message request, PeerId from) {
        byte[] key = request.getKey().toByteArray();
        Message.Builder answer = Message.newBuilder().setType(Message.MessageType.FIND_NODE).setKey(request.getKey());
        if (host.peerId().equals(peerIdOrNull(key))) {
            answer.addCloserPeers(KadMessages.peer(host.peerId(), host.advertisedAddresses()));
        }
        return addCloserPeers(answer, key, from).build();
    }

    private Message getValue(Message request, PeerId from) {
        byte[] key = request.getKey().toByteArray();
        validators.keyText(key);
        Message.Builder answer = Message.newBuilder().setType(Message.MessageType.GET_VALUE).setKey(request.getKey());
        RecordStore.Entry held = store.get(key);
        if (held != null) {
            try {
                validators.validate(key, held.value()); // it may have expired since it was stored
                answer.setRecord(KadProto.Record.newBuilder().setKey(request.getKey())
                        .setValue(ByteString.copyFrom(held.value())).setTimeReceived(held.received().toString()));
            } catch (InvalidRecordException e) {
                store.remove(key);
            }
        }
        return addCloserPeers(answer, key, from).build();
    }

    private Message putValue(Message request) {
        if (!request.hasRecord() || !request.getRecord().getKey().equals(request.getKey())) {
            throw new Libp2pException("PUT_VALUE whose message key is not its record's key");
        }
        byte[] key = request.getKey().toByteArray();
        byte[] value = request.getRecord().getValue().toByteArray();
        if (value.length > store.maxValueSize()) {
            throw new Libp2pException("PUT_VALUE of " + value.length + " bytes, limit " + store.maxValueSize());
        }
        validators.validate(key, value);
        RecordStore.Entry held = store.get(key);
        if (held != null && validHeld(key, held) && validators.select(key, List.of(value, held.value())) != 0) {
            throw new InvalidRecordException("PUT_VALUE of a record older than the one held");
        }
        store.put(key, value);
        return request;
    }

    private boolean validHeld(byte[] key, RecordStore.Entry held) {
        try {
            validators.validate(key, held.value());
            return true;
        } catch (InvalidRecordException e) {
            return false;
        }
    }

    /** The k nearest peers of {@code key} but the asker, who knows where it is (as go answers). */
    private Message.Builder addCloserPeers(Message.Builder answer, byte[] key, PeerId from) {
        for (KadPeer p : table.closest(KadId.ofKey(key), KadConfig.K + 1)) {
            if (!p.id().equals(from) && answer.getCloserPeersCount() < KadConfig.K) {
                answer.addCloserPeers(KadMessages.peer(p.id(), p.addresses()));
            }
        }
        return answer;
    }

    private static PeerId peerIdOrNull(byte[] key) {
        try {
            return PeerId.fromBytes(key);
        } catch (Libp2pException e) {
            return null;
        }
    }
}
