/**
 * The libp2p host: the public face of the stack. It listens and dials, upgrades each TCP connection
 * (pnet, multistream, Noise, gate, yamux), keeps one connection per peer, negotiates a protocol on
 * every stream and hands inbound streams to the handler registered for their protocol. Identify and
 * ping are served on every connection.
 */
package org.opencloud.discovery.p2p.host;
