package org.opencloud.discovery.camel;

import org.apache.camel.spi.Metadata;
import org.apache.camel.support.DefaultComponent;
import org.opencloud.discovery.p2p.rcmgr.ResourceLimits;
import org.opencloud.discovery.p2p.rcmgr.ScopeLimit;

/**
 * The resource manager's limits as component options ({@code camel.component.libp2p.max...}), for the host
 * the component creates: for the whole node, per peer, per protocol, per connection and per stream. Their
 * defaults are the stack's {@link ResourceLimits#defaults()}. Beside them, the producers' bound on one-shot
 * deliveries in flight, below those limits by default so that the node never refuses its own deliveries: each
 * stream reserves its 256 KiB receive window, so 128 streams take half of one protocol's 64 MiB and a quarter of
 * the node's 128 MiB, leaving the rest to what peers open; a peer gets at most 16 of them, so that it takes eight
 * peers that answer late to hold up the others.
 */
public abstract class Libp2pLimitOptions extends DefaultComponent {
    private static final ResourceLimits DEFAULTS = ResourceLimits.defaults();

    @Metadata(label = "advanced", defaultValue = "512")
    private int maxConnectionsInbound = DEFAULTS.host().connectionsInbound();
    @Metadata(label = "advanced", defaultValue = "512")
    private int maxConnectionsOutbound = DEFAULTS.host().connectionsOutbound();
    @Metadata(label = "advanced", defaultValue = "64")
    private int maxPendingConnections = DEFAULTS.pending().connectionsInbound();
    @Metadata(label = "advanced", defaultValue = "4096")
    private int maxStreamsInbound = DEFAULTS.host().streamsInbound();
    @Metadata(label = "advanced", defaultValue = "4096")
    private int maxStreamsOutbound = DEFAULTS.host().streamsOutbound();
    @Metadata(label = "advanced", defaultValue = "134217728")
    private long maxMemory = DEFAULTS.host().memory();
    @Metadata(label = "advanced", defaultValue = "8")
    private int maxConnectionsPerPeer = DEFAULTS.peer().connectionsInbound();
    @Metadata(label = "advanced", defaultValue = "256")
    private int maxStreamsInboundPerPeer = DEFAULTS.peer().streamsInbound();
    @Metadata(label = "advanced", defaultValue = "256")
    private int maxStreamsOutboundPerPeer = DEFAULTS.peer().streamsOutbound();
    @Metadata(label = "advanced", defaultValue = "33554432")
    private long maxMemoryPerPeer = DEFAULTS.peer().memory();
    @Metadata(label = "advanced", defaultValue = "2048")
    private int maxStreamsInboundPerProtocol = DEFAULTS.protocol().streamsInbound();
    @Metadata(label = "advanced", defaultValue = "2048")
    private int maxStreamsOutboundPerProtocol = DEFAULTS.protocol().streamsOutbound();
    @Metadata(label = "advanced", defaultValue = "67108864")
    private long maxMemoryPerProtocol = DEFAULTS.protocol().memory();
    @Metadata(label = "advanced", defaultValue = "256")
    private int maxStreamsInboundPerConnection = DEFAULTS.connection().streamsInbound();
    @Metadata(label = "advanced", defaultValue = "256")
    private int maxStreamsOutboundPerConnection = DEFAULTS.connection().streamsOutbound();
    @Metadata(label = "advanced", defaultValue = "33554432")
    private long maxMemoryPerConnection = DEFAULTS.connection().memory();
    @Metadata(label = "advanced", defaultValue = "8388608")
    private long maxMemoryPerStream = DEFAULTS.stream().memory();
    @Metadata(label = "producer", defaultValue = "16")
    private int maxDeliveriesInFlightPerPeer = 16;
    @Metadata(label = "producer", defaultValue = "128")
    private int maxDeliveriesInFlight = 128;

    /** The limits these options describe. */
    public ResourceLimits resourceLimits() {
        return new ResourceLimits(
                new ScopeLimit(maxConnectionsInbound, maxConnectionsOutbound, maxStreamsInbound, maxStreamsOutbound,
                        maxMemory),
                new ScopeLimit(maxPendingConnections, maxConnectionsOutbound, 0, 0, 0),
                new ScopeLimit(maxConnectionsPerPeer, maxConnectionsPerPeer, maxStreamsInboundPerPeer,
                        maxStreamsOutboundPerPeer, maxMemoryPerPeer),
                new ScopeLimit(0, 0, maxStreamsInboundPerProtocol, maxStreamsOutboundPerProtocol, maxMemoryPerProtocol),
                new ScopeLimit(0, 0, maxStreamsInboundPerConnection, maxStreamsOutboundPerConnection,
                        maxMemoryPerConnection),
                new ScopeLimit(0, 0, 0, 0, maxMemoryPerStream));
    }

    public int getMaxConnectionsInbound() {
        return maxConnectionsInbound;
    }

    /** Connections peers opened to this node, at once. */
    public void setMaxConnectionsInbound(int maxConnectionsInbound) {
        this.maxConnectionsInbound = maxConnectionsInbound;
    }

    public int getMaxConnectionsOutbound() {
        return maxConnectionsOutbound;
    }

    /** Connections this node dialed, at once. */
    public void setMaxConnectionsOutbound(int maxConnectionsOutbound) {
        this.maxConnectionsOutbound = maxConnectionsOutbound;
    }

    public int getMaxPendingConnections() {
        return maxPendingConnections;
    }

    /** Inbound connections in their handshake at once (before the peer is authenticated); more are closed on accept. */
    public void setMaxPendingConnections(int maxPendingConnections) {
        this.maxPendingConnections = maxPendingConnections;
    }

    public int getMaxStreamsInbound() {
        return maxStreamsInbound;
    }

    /** Streams peers opened, at once, on all connections. */
    public void setMaxStreamsInbound(int maxStreamsInbound) {
        this.maxStreamsInbound = maxStreamsInbound;
    }

    public int getMaxStreamsOutbound() {
        return maxStreamsOutbound;
    }

    /** Streams this node opened, at once, on all connections. */
    public void setMaxStreamsOutbound(int maxStreamsOutbound) {
        this.maxStreamsOutbound = maxStreamsOutbound;
    }

    public long getMaxMemory() {
        return maxMemory;
    }

    /** Inbound bytes in flight for the whole node, in bytes: receive windows granted plus bytes received and not yet consumed. Every stream reserves its 256 KiB initial window; beyond the budget new streams are reset and senders wait for credit. */
    public void setMaxMemory(long maxMemory) {
        this.maxMemory = maxMemory;
    }

    public int getMaxConnectionsPerPeer() {
        return maxConnectionsPerPeer;
    }

    /** Connections with one peer at once, each way. */
    public void setMaxConnectionsPerPeer(int maxConnectionsPerPeer) {
        this.maxConnectionsPerPeer = maxConnectionsPerPeer;
    }

    public int getMaxStreamsInboundPerPeer() {
        return maxStreamsInboundPerPeer;
    }

    /** Streams one peer opened, at once. */
    public void setMaxStreamsInboundPerPeer(int maxStreamsInboundPerPeer) {
        this.maxStreamsInboundPerPeer = maxStreamsInboundPerPeer;
    }

    public int getMaxStreamsOutboundPerPeer() {
        return maxStreamsOutboundPerPeer;
    }

    /** Streams this node opened to one peer, at once. */
    public void setMaxStreamsOutboundPerPeer(int maxStreamsOutboundPerPeer) {
        this.maxStreamsOutboundPerPeer = maxStreamsOutboundPerPeer;
    }

    public long getMaxMemoryPerPeer() {
        return maxMemoryPerPeer;
    }

    /** Inbound bytes in flight from one peer, in bytes. */
    public void setMaxMemoryPerPeer(long maxMemoryPerPeer) {
        this.maxMemoryPerPeer = maxMemoryPerPeer;
    }

    public int getMaxStreamsInboundPerProtocol() {
        return maxStreamsInboundPerProtocol;
    }

    /** Inbound streams of one protocol, from all peers, at once. */
    public void setMaxStreamsInboundPerProtocol(int maxStreamsInboundPerProtocol) {
        this.maxStreamsInboundPerProtocol = maxStreamsInboundPerProtocol;
    }

    public int getMaxStreamsOutboundPerProtocol() {
        return maxStreamsOutboundPerProtocol;
    }

    /** Outbound streams of one protocol, to all peers, at once. */
    public void setMaxStreamsOutboundPerProtocol(int maxStreamsOutboundPerProtocol) {
        this.maxStreamsOutboundPerProtocol = maxStreamsOutboundPerProtocol;
    }

    public long getMaxMemoryPerProtocol() {
        return maxMemoryPerProtocol;
    }

    /** Inbound bytes in flight on one protocol, from all peers, in bytes. */
    public void setMaxMemoryPerProtocol(long maxMemoryPerProtocol) {
        this.maxMemoryPerProtocol = maxMemoryPerProtocol;
    }

    public int getMaxStreamsInboundPerConnection() {
        return maxStreamsInboundPerConnection;
    }

    /** Streams the peer opened on one connection, at once. */
    public void setMaxStreamsInboundPerConnection(int maxStreamsInboundPerConnection) {
        this.maxStreamsInboundPerConnection = maxStreamsInboundPerConnection;
    }

    public int getMaxStreamsOutboundPerConnection() {
        return maxStreamsOutboundPerConnection;
    }

    /** Streams this node opened on one connection, at once. */
    public void setMaxStreamsOutboundPerConnection(int maxStreamsOutboundPerConnection) {
        this.maxStreamsOutboundPerConnection = maxStreamsOutboundPerConnection;
    }

    public long getMaxMemoryPerConnection() {
        return maxMemoryPerConnection;
    }

    /** Inbound bytes in flight on one connection, in bytes. */
    public void setMaxMemoryPerConnection(long maxMemoryPerConnection) {
        this.maxMemoryPerConnection = maxMemoryPerConnection;
    }

    public long getMaxMemoryPerStream() {
        return maxMemoryPerStream;
    }

    /** Inbound bytes in flight on one stream, in bytes: its yamux window (up to 4 MiB) and the message being read. */
    public void setMaxMemoryPerStream(long maxMemoryPerStream) {
        this.maxMemoryPerStream = maxMemoryPerStream;
    }

    public int getMaxDeliveriesInFlightPerPeer() {
        return maxDeliveriesInFlightPerPeer;
    }

    /**
     * Messages the producers send to one peer at once, each on its own stream (keepOpen streams aside); more wait
     * and start in the order they came, their timeout counting the wait.
     */
    public void setMaxDeliveriesInFlightPerPeer(int maxDeliveriesInFlightPerPeer) {
        this.maxDeliveriesInFlightPerPeer = maxDeliveriesInFlightPerPeer;
    }

    public int getMaxDeliveriesInFlight() {
        return maxDeliveriesInFlight;
    }

    /** Messages the producers send at once to all peers; more wait, peers taking turns. */
    public void setMaxDeliveriesInFlight(int maxDeliveriesInFlight) {
        this.maxDeliveriesInFlight = maxDeliveriesInFlight;
    }
}
