/**
 * Operator commands on the product jar, beside its main job, as {@code ipfs id} and {@code ipfs ping}
 * serve IPFS users: key files, swarm keys, ping, send and listen. Each prints text for people, or JSON
 * lines with {@code --json} for scripts and tests. Uses the libp2p stack only.
 */
package org.opencloud.discovery.cli;
