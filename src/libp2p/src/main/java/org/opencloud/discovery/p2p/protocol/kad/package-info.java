/**
 * Kademlia DHT (libp2p kad-dht, protocol {@code <prefix>/kad/1.0.0}, default {@code /oc/kad/1.0.0}): a bounded
 * routing table of servers that speak it, a bounded record store of namespaced keys ({@code /node/<id>}) with a
 * validator and selector per namespace, the server answering FIND_NODE, GET_VALUE, PUT_VALUE and PING, and
 * iterative lookups for peers and values. Wire-compatible with go-libp2p-kad-dht and js-libp2p's kad-dht.
 */
package org.opencloud.discovery.p2p.protocol.kad;
