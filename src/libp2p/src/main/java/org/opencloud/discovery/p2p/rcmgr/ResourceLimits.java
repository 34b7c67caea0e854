package org.opencloud.discovery.p2p.rcmgr;

import java.util.Objects;

/**
 * The limits of every kind of scope. Memory is what bounds a node: whatever its peers do, the bytes
 * they can make it hold (receive windows granted plus bytes not yet consumed) stay under
 * {@code host.memory()}.
 */
public record ResourceLimits(ScopeLimit host, ScopeLimit pending, ScopeLimit peer, ScopeLimit protocol,
                             ScopeLimit connection, ScopeLimit stream) {
    private static final long MIB = 1 << 20;

    public ResourceLimits {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(stream, "stream");
    }

    /**
     * A budget of 128 MiB of inbound bytes for the host, 32 MiB per peer and per connection (one peer
     * cannot take more than a quarter), 64 MiB per protocol (a flood on one protocol leaves half to
     * the others: identify, ping, the DHT), 8 MiB per stream (a 4 MiB yamux window plus a 4 MiB
     * message being read). Every stream reserves its 256 KiB initial window, so a peer has at most 128
     * streams receiving at once (a js-libp2p peer bursts 100) and the host 512. Connections: 512 each
     * way, 64 inbound handshakes at once, 8 each way per peer; streams: 256 each way per peer and per
     * connection, 2,048 per protocol, 4,096 for the host.
     */
    public static ResourceLimits defaults() {
        return new ResourceLimits(
                new ScopeLimit(512, 512, 4096, 4096, 128 * MIB),
                new ScopeLimit(64, 512, 0, 0, 0),
                new ScopeLimit(8, 8, 256, 256, 32 * MIB),
                new ScopeLimit(0, 0, 2048, 2048, 64 * MIB),
                new ScopeLimit(0, 0, 256, 256, 32 * MIB),
                new ScopeLimit(0, 0, 0, 0, 8 * MIB));
    }

    ScopeLimit of(ScopeKind kind) {
        return switch (kind) {
            case HOST -> host;
            case PENDING -> pending;
            case PEER -> peer;
            case PROTOCOL -> protocol;
            case CONNECTION -> connection;
            case STREAM -> stream;
        };
    }
}
