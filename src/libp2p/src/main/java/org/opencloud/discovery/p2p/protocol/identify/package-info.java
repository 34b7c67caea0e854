/**
 * Identify ({@code /ipfs/id/1.0.0}): on every new connection each side asks the other for its key,
 * listen addresses, protocols and agent version, and answers the same questions about itself.
 */
package org.opencloud.discovery.p2p.protocol.identify;
