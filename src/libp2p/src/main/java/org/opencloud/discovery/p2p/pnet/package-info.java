/**
 * libp2p private networks (PSK v1): the {@link org.opencloud.discovery.p2p.pnet.SwarmKey} file codec and
 * {@link org.opencloud.discovery.p2p.pnet.PnetHandler}, which exchanges nonces and XORs every byte of a raw
 * TCP connection with XSalsa20. pnet has no handshake: a wrong key only shows up as garbage in the first
 * multistream message, which is where the layer above reports "PSK mismatch likely".
 */
package org.opencloud.discovery.p2p.pnet;
