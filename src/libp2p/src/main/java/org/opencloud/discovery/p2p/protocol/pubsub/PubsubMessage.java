package org.opencloud.discovery.p2p.protocol.pubsub;

import org.opencloud.discovery.p2p.core.PeerId;

/**
 * A message of a topic whose signature was checked: its author ({@code from}), its author's sequence number, and
 * the peer that handed it to us ({@code receivedFrom}: the author or a relay; our own id for what we publish).
 */
public record PubsubMessage(String topic, byte[] data, PeerId from, byte[] seqno, PeerId receivedFrom) {
}
