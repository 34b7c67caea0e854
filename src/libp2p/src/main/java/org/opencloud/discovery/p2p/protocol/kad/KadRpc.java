package org.opencloud.discovery.p2p.protocol.kad;

import com.google.protobuf.InvalidProtocolBufferException;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.host.VarintFrameReader;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.protocol.kad.pb.KadProto.Message;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One request on a new stream and its one answer, under a time limit; the stream is closed after it. */
final class KadRpc {
    private final Host host;
    private final String protocol;
    private final int maxMessageSize;
    private final Duration timeout;

    KadRpc(Host host, String protocol, int maxMessageSize, Duration timeout) {
        this.host = host;
        this.protocol = protocol;
        this.maxMessageSize = maxMessageSize;
        this.timeout = timeout;
    }

    CompletableFuture<Message> request(KadPeer peer, Message request) {
        CompletableFuture<Stream> opening = host.newLazyStream(peer.id(), peer.addresses(), protocol);
        CompletableFuture<Message> answer = opening.thenCompose(stream -> exchange(stream, request));
        answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((m, e) -> {
            if (e != null) {
                opening.thenAccept(Stream::reset);
            }
        });
        return answer;
    }

    private CompletableFuture<Message> exchange(Stream stream, Message request) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        stream.setListener(new VarintFrameReader(maxMessageSize, new VarintFrameReader.Frames() {
            @Override
            public void onFrame(MuxedStream s, byte[] frame) {
                if (result.isDone()) {
                    return;
                }
                try {
                    result.complete(Message.parseFrom(frame));
                } catch (InvalidProtocolBufferException e) {
                    result.completeExceptionally(new Libp2pException("malformed DHT answer from "
                            + stream.remotePeer() + ": " + e.getMessage(), e));
                    s.reset();
                }
            }

            @Override
            public void onEnd(MuxedStream s) {
                result.completeExceptionally(new Libp2pException(stream.remotePeer() + " closed the DHT stream without answering"));
            }

            @Override
            public void onFailure(MuxedStream s, String reason) {
                Libp2pException refused = stream.negotiationFailure(); // the peer does not serve the DHT protocol
                result.completeExceptionally(refused != null ? refused
                        : new Libp2pException("DHT answer from " + stream.remotePeer() + ": " + reason));
            }
        }));
        stream.write(KadMessages.frame(request));
        stream.closeWrite();
        return result;
    }
}
