package org.opencloud.discovery.p2p.rcmgr;

/** What a scope holds now. */
public record ResourceUsage(long connectionsInbound, long connectionsOutbound, long streamsInbound,
                            long streamsOutbound, long memory) {
    public static final ResourceUsage NONE = new ResourceUsage(0, 0, 0, 0, 0);

    public boolean isEmpty() {
        return equals(NONE);
    }
}
