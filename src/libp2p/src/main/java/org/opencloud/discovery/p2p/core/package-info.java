/**
 * Identities and addresses of the libp2p stack: unsigned varints, base58/base32 text forms,
 * Ed25519 keys and libp2p key files, peer ids and multiaddrs, and the stack's error type.
 * Values only: nothing here does I/O on the network. No Camel imports anywhere under {@code p2p}.
 */
package org.opencloud.discovery.p2p.core;
