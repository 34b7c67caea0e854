package org.opencloud.discovery.p2p.host;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.pnet.SwarmKey;
import org.opencloud.discovery.p2p.rcmgr.ResourceLimits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link Host}. Mutable while building, read once by {@link Host#start()}. Defaults
 * follow what go- and js-libp2p peers expect of a well-behaved node.
 */
public final class HostConfig {
    private PrivateKey identity;
    private final List<Multiaddr> listenAddresses = new ArrayList<>();
    private SwarmKey privateNetworkKey;
    private boolean privateNetworkRequired;
    private String agentVersion = "oc-discovery-camel/" + Objects.requireNonNullElse(
            HostConfig.class.getPackage().getImplementationVersion(), "dev");
    private ConnectionGate gate = ConnectionGate.ALLOW_ALL;
    private StreamGate streamGate = StreamGate.ALLOW_ALL;
    private int streamRefusalsBeforeBackoff = 10;
    private Duration streamRefusalWindow = Duration.ofSeconds(10);
    private Duration peerBackoff = Duration.ofMinutes(1);
    private ResourceLimits resourceLimits = ResourceLimits.defaults();
    private int maxMessageSize = 4 << 20;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration dialTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofMinutes(2);
    private Duration streamIdleTimeout = Duration.ofMinutes(1);
    private int ioThreads;

    public static HostConfig withIdentity(PrivateKey identity) {
        HostConfig c = new HostConfig();
        c.identity = Objects.requireNonNull(identity, "identity");
        return c;
    }

    /** Adds a listen address such as {@code /ip4/0.0.0.0/tcp/4001} (port 0 picks a free port). */
    public HostConfig listen(Multiaddr address) {
        listenAddresses.add(address);
        return this;
    }

    /** Joins the private network of this pre-shared key (swarm.key); null for the open network. */
    public HostConfig privateNetworkKey(SwarmKey psk) {
        this.privateNetworkKey = psk;
        return this;
    }

    /** When set, {@link Host#start()} refuses to run without a private-network key (go's LIBP2P_FORCE_PNET). */
    public HostConfig privateNetworkRequired(boolean required) {
        this.privateNetworkRequired = required;
        return this;
    }

    public HostConfig agentVersion(String agentVersion) {
        this.agentVersion = agentVersion;
        return this;
    }

    public HostConfig gate(ConnectionGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
        return this;
    }

    /** Decides which inbound streams reach their handler, once their protocol is agreed. */
    public HostConfig streamGate(StreamGate gate) {
        this.streamGate = Objects.requireNonNull(gate, "streamGate");
        return this;
    }

    /** A peer whose streams the stream gate refuses this often within the window is backed off. */
    public HostConfig streamRefusalsBeforeBackoff(int refusals) {
        if (refusals < 1) {
            throw new IllegalArgumentException("streamRefusalsBeforeBackoff must be at least 1, not " + refusals);
        }
        this.streamRefusalsBeforeBackoff = refusals;
        return this;
    }

    public HostConfig streamRefusalWindow(Duration window) {
        this.streamRefusalWindow = Objects.requireNonNull(window, "streamRefusalWindow");
        return this;
    }

    /** How long a backed-off peer stays disconnected: its new connections are refused meanwhile. */
    public HostConfig peerBackoff(Duration backoff) {
        this.peerBackoff = Objects.requireNonNull(backoff, "peerBackoff");
        return this;
    }

    /**
     * What the host, each peer, protocol, connection and stream may hold: connections, streams and
     * inbound bytes in flight. A connection beyond them is closed, a stream reset, credit withheld.
     */
    public HostConfig resourceLimits(ResourceLimits limits) {
        this.resourceLimits = Objects.requireNonNull(limits, "resourceLimits");
        return this;
    }

    /** Default cap of {@link Stream#readToEnd(int)} for one inbound message, in bytes. */
    public HostConfig maxMessageSize(int bytes) {
        this.maxMessageSize = bytes;
        return this;
    }

    public HostConfig handshakeTimeout(Duration timeout) {
        this.handshakeTimeout = timeout;
        return this;
    }

    public HostConfig dialTimeout(Duration timeout) {
        this.dialTimeout = timeout;
        return this;
    }

    /** A connection without streams for this long is closed. */
    public HostConfig idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    /** A stream on which no data went either way for this long is reset. */
    public HostConfig streamIdleTimeout(Duration timeout) {
        this.streamIdleTimeout = Objects.requireNonNull(timeout, "streamIdleTimeout");
        return this;
    }

    /** Event-loop threads; 0 lets Netty choose. */
    public HostConfig ioThreads(int threads) {
        this.ioThreads = threads;
        return this;
    }

    PrivateKey identity() {
        return identity;
    }

    public List<Multiaddr> listenAddresses() {
        return List.copyOf(listenAddresses);
    }

    public SwarmKey privateNetworkKey() {
        return privateNetworkKey;
    }

    public boolean privateNetworkRequired() {
        return privateNetworkRequired;
    }

    public String agentVersion() {
        return agentVersion;
    }

    public ConnectionGate gate() {
        return gate;
    }

    public StreamGate streamGate() {
        return streamGate;
    }

    public int streamRefusalsBeforeBackoff() {
        return streamRefusalsBeforeBackoff;
    }

    public Duration streamRefusalWindow() {
        return streamRefusalWindow;
    }

    public Duration peerBackoff() {
        return peerBackoff;
    }

    public ResourceLimits resourceLimits() {
        return resourceLimits;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public Duration dialTimeout() {
        return dialTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    public int ioThreads() {
        return ioThreads;
    }
}
