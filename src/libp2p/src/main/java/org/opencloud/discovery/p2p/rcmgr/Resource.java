package org.opencloud.discovery.p2p.rcmgr;

/** What a scope counts against its {@link ScopeLimit}. */
public enum Resource {
    CONNECTIONS_INBOUND,
    CONNECTIONS_OUTBOUND,
    STREAMS_INBOUND,
    STREAMS_OUTBOUND,
    /** Inbound bytes in flight: receive windows granted and bytes received but not yet consumed. */
    MEMORY;

    static Resource connections(Direction direction) {
        return direction == Direction.INBOUND ? CONNECTIONS_INBOUND : CONNECTIONS_OUTBOUND;
    }

    static Resource streams(Direction direction) {
        return direction == Direction.INBOUND ? STREAMS_INBOUND : STREAMS_OUTBOUND;
    }
}
