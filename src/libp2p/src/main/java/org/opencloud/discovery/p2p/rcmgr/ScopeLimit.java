package org.opencloud.discovery.p2p.rcmgr;

/**
 * The limits of one scope. Counts that do not apply to a kind of scope (connections of a stream) are
 * not consulted.
 *
 * @param connectionsInbound connections the remote peers opened
 * @param connectionsOutbound connections this host dialed
 * @param streamsInbound streams the remote peers opened
 * @param streamsOutbound streams this host opened
 * @param memory inbound bytes in flight, in bytes
 */
public record ScopeLimit(int connectionsInbound, int connectionsOutbound, int streamsInbound, int streamsOutbound,
                         long memory) {

    public ScopeLimit {
        if (connectionsInbound < 0 || connectionsOutbound < 0 || streamsInbound < 0 || streamsOutbound < 0
                || memory < 0) {
            throw new IllegalArgumentException("resource limits must not be negative: " + this);
        }
    }

    long of(Resource resource) {
        return switch (resource) {
            case CONNECTIONS_INBOUND -> connectionsInbound;
            case CONNECTIONS_OUTBOUND -> connectionsOutbound;
            case STREAMS_INBOUND -> streamsInbound;
            case STREAMS_OUTBOUND -> streamsOutbound;
            case MEMORY -> memory;
        };
    }
}
