/**
 * The {@code libp2p:} Camel component: one libp2p {@link org.opencloud.discovery.p2p.host.Host} per
 * CamelContext; a consumer serves a protocol id (one message per inbound stream), a producer sends the
 * exchange body as one message on a new stream to a peer.
 *
 * <p>Uses only the public face of the libp2p stack (core values, host, protocol, pnet), never the
 * propagation beans built on top of it.
 */
package org.opencloud.discovery.camel;
