/**
 * Stream multiplexing contracts: a {@link org.opencloud.discovery.p2p.mux.MuxedStream} is one
 * bidirectional, flow-controlled byte stream inside a secured connection. Implementations live in
 * sub-packages (yamux).
 */
package org.opencloud.discovery.p2p.mux;
