package org.opencloud.discovery.p2p.rcmgr;

/** Who opened a connection or stream: the remote peer (inbound) or this host (outbound). */
public enum Direction {
    INBOUND,
    OUTBOUND
}
