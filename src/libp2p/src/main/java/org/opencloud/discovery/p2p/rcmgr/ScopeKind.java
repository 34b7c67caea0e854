package org.opencloud.discovery.p2p.rcmgr;

/** The kinds of scope that hold resources; refusals are counted by kind and {@link Resource}. */
public enum ScopeKind {
    /** The whole host. */
    HOST,
    /** Inbound connections still in their handshake, before the remote peer is known. */
    PENDING,
    /** All connections and streams of one remote peer. */
    PEER,
    /** All streams of one protocol, whoever the peer. */
    PROTOCOL,
    /** One connection and its streams. */
    CONNECTION,
    /** One stream. */
    STREAM
}
