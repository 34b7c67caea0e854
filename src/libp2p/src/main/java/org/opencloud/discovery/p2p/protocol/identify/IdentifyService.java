package org.opencloud.discovery.p2p.protocol.identify;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.Varint;
import org.opencloud.discovery.p2p.host.Connection;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.protocol.identify.pb.IdentifyProto;
import org.opencloud.discovery.p2p.record.InvalidRecordException;
import org.opencloud.discovery.p2p.record.RoutingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Answers identify with one message under 8 KiB, with this host's signed peer record, and asks every newly
 * connected peer, reading up to ten messages to EOF and merging them (go splits large answers; older js read
 * only one message); a peer's signed record is checked and its addresses kept as certified.
 */
public final class IdentifyService {
    public static final String PROTOCOL = "/ipfs/id/1.0.0";
    static final String PROTOCOL_VERSION = "ipfs/0.1.0";
    private static final int MAX_PARTS = 10;
    private static final int MAX_PART = 8 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(IdentifyService.class);

    private final Host host;
    private final Map<PeerId, PeerInfo> peers = new ConcurrentHashMap<>();
    private final List<BiConsumer<PeerId, PeerInfo>> listeners = new CopyOnWriteArrayList<>();

    private IdentifyService(Host host) {
        this.host = host;
    }

    /** Serves identify on {@code host} and identifies every peer it connects to. */
    public static IdentifyService install(Host host) {
        IdentifyService service = new IdentifyService(host);
        host.handle(PROTOCOL, service::answer);
        host.onConnection(c -> service.identify(c).exceptionally(e -> {
            LOG.debug("identify of {} failed: {}", c.remotePeer(), e.getMessage());
            return null;
        }));
        return service;
    }

    /** The latest identify answer of {@code peer}, or null. */
    public PeerInfo peer(PeerId peer) {
        return peers.get(peer);
    }

    /** Called with each identify answer once it is read, on the connection's event loop. */
    public void onIdentified(BiConsumer<PeerId, PeerInfo> listener) {
        listeners.add(listener);
    }

    private void answer(Stream stream) {
        IdentifyProto.Identify.Builder msg = IdentifyProto.Identify.newBuilder()
                .setProtocolVersion(PROTOCOL_VERSION)
                .setAgentVersion(host.config().agentVersion())
                .setPublicKey(ByteString.copyFrom(host.publicKey().toProtobuf()))
                .setObservedAddr(ByteString.copyFrom(stream.remoteAddress().toBytes()))
                .addAllProtocols(host.protocols());
        List<Multiaddr> advertised = host.advertisedAddresses();
        for (Multiaddr a : advertised) {
            msg.addListenAddrs(ByteString.copyFrom(a.toBytes()));
        }
        // the same addresses, signed: what a peer may trust and pass on (RFC 0003)
        msg.setSignedPeerRecord(ByteString.copyFrom(host.signedPeerRecord(advertised)));
        stream.write(Varint.lengthPrefixed(msg.build().toByteArray()));
        stream.closeWrite();
        stream.readToEnd(0).exceptionally(e -> null); // the asker sends nothing; drain its FIN
    }

    /** Asks the peer of {@code connection} who it is. */
    public CompletableFuture<PeerInfo> identify(Connection connection) {
        return connection.newStream(List.of(PROTOCOL))
                .thenCompose(s -> {
                    s.closeWrite();
                    return s.readToEnd(MAX_PARTS * (MAX_PART + Varint.MAX_BYTES));
                })
                .thenApply(bytes -> {
                    PeerInfo info = decode(bytes, connection.remotePeer());
                    peers.put(connection.remotePeer(), info);
                    LOG.debug("identified {}: {} protocols {}", connection.remotePeer(), info.agentVersion(), info.protocols());
                    listeners.forEach(l -> l.accept(connection.remotePeer(), info));
                    return info;
                });
    }

    static PeerInfo decode(byte[] bytes, PeerId peer) {
        IdentifyProto.Identify.Builder merged = IdentifyProto.Identify.newBuilder();
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        for (int part = 0; in.isReadable(); part++) {
            long length = Varint.read(in);
            if (part == MAX_PARTS || length == Varint.INCOMPLETE || length > MAX_PART || length > in.readableBytes()) {
                throw new Libp2pException("malformed identify answer from " + peer);
            }
            byte[] body = new byte[(int) length];
            in.readBytes(body);
            try {
                merged.mergeFrom(body);
            } catch (InvalidProtocolBufferException e) {
                throw new Libp2pException("malformed identify message from " + peer + ": " + e.getMessage(), e);
            }
        }
        IdentifyProto.Identify id = merged.build();
        List<Multiaddr> addrs = new ArrayList<>();
        for (ByteString a : id.getListenAddrsList()) {
            try {
                addrs.add(Multiaddr.fromBytes(a.toByteArray()));
            } catch (Libp2pException e) {
                LOG.debug("{} listed an address we cannot read: {}", peer, e.getMessage());
            }
        }
        Multiaddr observed = null;
        if (id.hasObservedAddr()) {
            try {
                observed = Multiaddr.fromBytes(id.getObservedAddr().toByteArray());
            } catch (Libp2pException e) {
                LOG.debug("{} sent an unreadable observed address", peer);
            }
        }
        return new PeerInfo(id.getAgentVersion(), id.getProtocolVersion(), List.copyOf(id.getProtocolsList()),
                List.copyOf(addrs), observed, certifiedAddresses(id, peer));
    }

    /** The addresses of the peer's signed record, when it sent a valid one of its own; otherwise none. */
    private static List<Multiaddr> certifiedAddresses(IdentifyProto.Identify id, PeerId peer) {
        if (!id.hasSignedPeerRecord()) {
            return List.of();
        }
        try {
            RoutingRecord record = RoutingRecord.open(id.getSignedPeerRecord().toByteArray());
            if (record.peerId().equals(peer)) {
                return record.addresses();
            }
            LOG.debug("{} sent the signed record of {}", peer, record.peerId());
        } catch (InvalidRecordException e) {
            LOG.debug("{} sent an invalid signed peer record: {}", peer, e.getMessage());
        }
        return List.of();
    }
}
