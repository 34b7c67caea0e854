/**
 * Resource management, after go-libp2p's rcmgr: nested scopes (host, pending handshakes, peer, protocol,
 * connection, stream) that count connections, streams and inbound bytes in flight against limits. A
 * reservation succeeds in every enclosing scope or fails with nothing held; a scope's {@code done()}
 * releases exactly what it holds. Yamux reserves a stream's receive window here before it grants it.
 */
package org.opencloud.discovery.p2p.rcmgr;
