/** The libp2p ping protocol ({@code /ipfs/ping/1.0.0}): 32 random bytes echoed back, to measure round trips. */
package org.opencloud.discovery.p2p.protocol.ping;
