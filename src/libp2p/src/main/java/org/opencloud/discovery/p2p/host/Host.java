package org.opencloud.discovery.p2p.host;

import io.netty.channel.socket.SocketChannel;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PublicKey;
import org.opencloud.discovery.p2p.rcmgr.ConnectionScope;
import org.opencloud.discovery.p2p.rcmgr.Direction;
import org.opencloud.discovery.p2p.rcmgr.LimitedResourceManager;
import org.opencloud.discovery.p2p.rcmgr.ResourceManager;
import org.opencloud.discovery.p2p.record.RoutingRecord;
import org.opencloud.discovery.p2p.record.SignedEnvelope;
import org.opencloud.discovery.p2p.transport.tcp.TcpTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A libp2p node: one identity, its listening sockets, its connections (one in use per peer) and the
 * protocols it serves. Its resource manager bounds what connections and streams may hold, whatever the
 * peers do.
 *
 * <p>Futures returned here complete on a connection's event loop: continuations must not block.
 * Handlers are called on the event loop of the stream's connection.
 */
public final class Host implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Host.class);

    private final HostConfig config;
    private final PeerId peerId;
    private final ConnectionUpgrader upgrader;
    private final StreamAdmission admission;
    private final ResourceManager resources;
    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
    private final Map<PeerId, Connection> primary = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Map<PeerId, CompletableFuture<Connection>> dials = new ConcurrentHashMap<>();
    private final List<Consumer<Connection>> connectionListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong failedUpgrades = new AtomicLong();
    private final AtomicLong refusedPeers = new AtomicLong();
    private final List<Multiaddr> listening = new CopyOnWriteArrayList<>();
    private volatile TcpTransport transport;
    private volatile IdleReaper reaper;

    public Host(HostConfig config) {
        this.config = config;
        this.peerId = config.identity().peerId();
        this.upgrader = new ConnectionUpgrader(this, config);
        this.admission = new StreamAdmission(this, config);
        this.resources = new LimitedResourceManager(config.resourceLimits());
    }

    /** Binds every listen address. */
    public synchronized Host start() {
        if (transport != null) {
            return this;
        }
        if (config.privateNetworkRequired() && config.privateNetworkKey() == null) {
            throw new Libp2pException("a private network is required but no swarm.key is configured");
        }
        transport = new TcpTransport(config.ioThreads(), (int) config.dialTimeout().toMillis(), this::accept);
        try {
            for (Multiaddr address : config.listenAddresses()) {
                listening.add(transport.listen(address));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        reaper = new IdleReaper(this, config);
        reaper.start();
        LOG.info("libp2p host {} listening on {}{}", peerId, listening,
                config.privateNetworkKey() != null ? " (private network)" : "");
        return this;
    }

    @Override
    public synchronized void close() {
        if (reaper != null) {
            reaper.close();
            reaper = null;
        }
        for (Connection c : List.copyOf(connections)) {
            c.close();
        }
        if (transport != null) {
            transport.close();
            transport = null;
        }
        listening.clear();
    }

    public PeerId peerId() {
        return peerId;
    }

    public PublicKey publicKey() {
        return config.identity().publicKey();
    }

    public HostConfig config() {
        return config;
    }

    /** Bound listen addresses (without {@code /p2p/}). */
    public List<Multiaddr> listenAddresses() {
        return List.copyOf(listening);
    }

    /**
     * Addresses to tell peers: the bound ones, with a wildcard ({@code 0.0.0.0}, {@code ::}) replaced by
     * each address of this machine's interfaces of that family.
     */
    public List<Multiaddr> advertisedAddresses() {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr bound : listening) {
            InetSocketAddress socket = bound.toTcpSocketAddress();
            if (!socket.getAddress().isAnyLocalAddress()) {
                out.add(bound);
                continue;
            }
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                        if (a.getClass() == socket.getAddress().getClass() && !a.isLinkLocalAddress()) {
                            out.add(Multiaddr.fromSocketAddress(new InetSocketAddress(a, socket.getPort())));
                        }
                    }
                }
            } catch (SocketException e) {
                LOG.debug("cannot list network interfaces: {}", e.getMessage());
            }
        }
        return out;
    }

    /** This host's signed peer record (RFC 0003) naming {@code addresses}, as identify and the DHT send it. */
    public byte[] signedPeerRecord(List<Multiaddr> addresses) {
        return RoutingRecord.of(config.identity(), addresses).seal(config.identity()).toBytes();
    }

    /** {@code payload} signed with this host's identity for {@code domain} (RFC 0002); the key never leaves the host. */
    public SignedEnvelope seal(String domain, byte[] payloadType, byte[] payload) {
        return SignedEnvelope.seal(config.identity(), domain, payloadType, payload);
    }

    /**
     * Signs {@code domain ‖ data} with this host's identity, as pubsub signs {@code "libp2p-pubsub:" ‖ message};
     * the domain, never empty, keeps a signature made for one use from being valid for another. The key never
     * leaves the host.
     */
    public byte[] sign(String domain, byte[] data) {
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("a signature needs a domain");
        }
        byte[] prefix = domain.getBytes(StandardCharsets.UTF_8);
        byte[] signed = Arrays.copyOf(prefix, prefix.length + data.length);
        System.arraycopy(data, 0, signed, prefix.length, data.length);
        return config.identity().sign(signed);
    }

    /**
     * Closes every connection of {@code peer} and refuses its new ones for {@code duration}: what a protocol does
     * with a peer that misbehaves (pubsub's flooders). Logged once, by the caller.
     */
    public void disconnectAndRefuse(PeerId peer, Duration duration) {
        admission.refuse(peer, duration);
    }

    public boolean isListening() {
        return transport != null && !listening.isEmpty();
    }

    /** Serves {@code protocol} with {@code handler}, replacing any earlier handler of it. */
    public void handle(String protocol, StreamHandler handler) {
        handlers.put(protocol, handler);
    }

    public void unhandle(String protocol) {
        handlers.remove(protocol);
    }

    /** Protocols served, as identify lists them. */
    public List<String> protocols() {
        List<String> out = new ArrayList<>(handlers.keySet());
        out.sort(null);
        return out;
    }

    StreamHandler handler(String protocol) {
        return handlers.get(protocol);
    }

    /** Called with every new connection, once upgraded, on its event loop. */
    public void onConnection(Consumer<Connection> listener) {
        connectionListeners.add(listener);
    }

    /** Open connections, primary and duplicate. */
    public Collection<Connection> connections() {
        return List.copyOf(connections);
    }

    /** Distinct peers connected now. */
    public Set<PeerId> connectedPeers() {
        return Set.copyOf(primary.keySet());
    }

    /** Connections that failed before they were upgraded (bad key, garbage, timeout, gate). */
    public long failedUpgrades() {
        return failedUpgrades.get();
    }

    /** Connections refused once authenticated: by the connection gate, or because the peer is backed off. */
    public long refusedPeers() {
        return refusedPeers.get();
    }

    /** Inbound streams the stream gate refused. */
    public long refusedStreams() {
        return admission.refusedStreams();
    }

    /** Times a peer was disconnected and backed off: for repeated stream refusals, or at a protocol's request. */
    public long peerBackoffs() {
        return admission.backoffs();
    }

    /** Streams reset because no data moved on them for the stream idle timeout. */
    public long idleStreamsReset() {
        IdleReaper r = reaper;
        return r == null ? 0 : r.idleStreamsReset();
    }

    /** True for the connection in use for its peer; the others are duplicates, closed once idle. */
    boolean isPrimary(Connection connection) {
        return primary.get(connection.remotePeer()) == connection;
    }

    StreamAdmission admission() {
        return admission;
    }

    /** What connections and streams hold, and the refusals of the limits so far. */
    public ResourceManager resources() {
        return resources;
    }

    /**
     * Connects to {@code address}, which should end in {@code /p2p/<peer>}: the peer is then checked and
     * an open connection to it is reused; dials in progress to the same peer are shared.
     */
    public CompletableFuture<Connection> connect(Multiaddr address) {
        PeerId expected = address.peerId();
        if (expected != null) {
            Connection existing = primary.get(expected);
            if (existing != null && existing.isOpen()) {
                return CompletableFuture.completedFuture(existing);
            }
            CompletableFuture<Connection> fresh = new CompletableFuture<>();
            CompletableFuture<Connection> shared = dials.putIfAbsent(expected, fresh);
            if (shared != null) {
                return shared;
            }
            fresh.whenComplete((c, e) -> dials.remove(expected, fresh));
            dial(address, expected, fresh);
            return fresh;
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        dial(address, null, result);
        return result;
    }

    /** Connects to {@code peer}, trying {@code addresses} in order until one works. */
    public CompletableFuture<Connection> connect(PeerId peer, List<Multiaddr> addresses) {
        Connection existing = primary.get(peer);
        if (existing != null && existing.isOpen()) {
            return CompletableFuture.completedFuture(existing);
        }
        if (addresses.isEmpty()) {
            return CompletableFuture.failedFuture(new Libp2pException("no address known for " + peer));
        }
        CompletableFuture<Connection> attempt = connect(addresses.get(0).withPeerId(peer));
        for (Multiaddr next : addresses.subList(1, addresses.size())) {
            attempt = attempt.exceptionallyCompose(e -> connect(next.withPeerId(peer)));
        }
        return attempt;
    }

    /** Connects (or reuses a connection) and opens a stream for the first of {@code protocols} the peer serves. */
    public CompletableFuture<Stream> newStream(Multiaddr address, List<String> protocols) {
        return connect(address).thenCompose(c -> c.newStream(protocols));
    }

    public CompletableFuture<Stream> newStream(PeerId peer, List<Multiaddr> addresses, List<String> protocols) {
        return connect(peer, addresses).thenCompose(c -> c.newStream(protocols));
    }

    /** Connects (or reuses a connection) and opens a stream for {@code protocol} lazily: see {@link Connection#newLazyStream}. */
    public CompletableFuture<Stream> newLazyStream(PeerId peer, List<Multiaddr> addresses, String protocol) {
        return connect(peer, addresses).thenCompose(c -> c.newLazyStream(protocol));
    }

    private void dial(Multiaddr address, PeerId expected, CompletableFuture<Connection> result) {
        TcpTransport t = transport;
        if (t == null) {
            result.completeExceptionally(new Libp2pException("host is not started"));
            return;
        }
        if (expected != null && expected.equals(peerId)) {
            result.completeExceptionally(new Libp2pException("refusing to dial ourselves (" + peerId + ")"));
            return;
        }
        ConnectionScope scope = resources.openConnection(Direction.OUTBOUND);
        if (scope == null) {
            result.completeExceptionally(new Libp2pException("cannot dial " + address
                    + ": the resource manager refused another outbound connection"));
            return;
        }
        t.dial(address, ch -> {
            ch.closeFuture().addListener(f -> scope.done());
            upgrader.upgradeOutbound(ch, scope, address, expected, result);
        }).whenComplete((ch, e) -> {
            if (e != null) {
                scope.done();
                result.completeExceptionally(e);
            }
        });
    }

    private void accept(SocketChannel channel) {
        ConnectionScope scope = resources.openConnection(Direction.INBOUND);
        if (scope == null) {
            LOG.debug("refusing inbound connection from {}: a resource limit (connections or handshakes) is reached",
                    channel.remoteAddress());
            channel.close();
            return;
        }
        channel.closeFuture().addListener(f -> scope.done());
        upgrader.upgradeInbound(channel, scope);
    }

    /** Registers a freshly upgraded connection; called by the upgrader on the event loop. */
    void added(Connection connection) {
        connections.add(connection);
        Connection previous = primary.putIfAbsent(connection.remotePeer(), connection);
        if (previous != null && !previous.isOpen()) {
            primary.put(connection.remotePeer(), connection);
        }
        connection.channel().closeFuture().addListener(f -> removed(connection));
        LOG.debug("{} established", connection);
        for (Consumer<Connection> l : connectionListeners) {
            try {
                l.accept(connection);
            } catch (RuntimeException e) {
                LOG.warn("connection listener failed for {}", connection, e);
            }
        }
    }

    private void removed(Connection connection) {
        connections.remove(connection);
        if (primary.remove(connection.remotePeer(), connection)) {
            for (Connection other : connections) {
                if (other.remotePeer().equals(connection.remotePeer()) && other.isOpen()) {
                    primary.putIfAbsent(other.remotePeer(), other);
                    break;
                }
            }
        }
        LOG.debug("{} closed", connection);
    }

    void upgradeFailed() {
        failedUpgrades.incrementAndGet();
    }

    void peerRefused() {
        refusedPeers.incrementAndGet();
    }
}
