/**
 * Signed records a peer makes about itself: the signed envelope of libp2p RFC 0002 (a payload, its type and
 * the signer's public key, signed over a domain string) and the peer record of RFC 0003 (peer id, sequence
 * number, addresses) that identify, the DHT and gossipsub's peer exchange carry. Byte-compatible with
 * go-libp2p and js-libp2p (domain {@code libp2p-peer-record}, payload type {@code 0x0301}).
 */
package org.opencloud.discovery.p2p.record;
