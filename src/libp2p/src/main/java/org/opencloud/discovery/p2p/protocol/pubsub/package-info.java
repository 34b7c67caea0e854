/**
 * Gossipsub v1.1 (with v1.0 peers): topics, a mesh of D peers per topic kept by a heartbeat, gossip of message
 * ids (IHAVE/IWANT), GRAFT/PRUNE with backoff, StrictSign messages, and bounds on what a peer may cost (RPC size,
 * per-peer rates, misbehaviour that ends in a graylist). No Camel.
 */
package org.opencloud.discovery.p2p.protocol.pubsub;
