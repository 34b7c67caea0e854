package org.opencloud.discovery.p2p.rcmgr;

/** The resources of one stream: its connection's, its peer's and the host's, and its protocol's once agreed. */
public interface StreamScope extends ResourceScope {

    /** Counts the stream (and the memory it holds) in {@code protocol}'s scope too; false if refused. */
    boolean setProtocol(String protocol);
}
