package org.opencloud.discovery.p2p.protocol.pubsub;

import java.util.Arrays;

/**
 * The id of a message, by which duplicates are recognised and gossip names messages. Every node of a network
 * should use the same function: go's default is {@link #FROM_AND_SEQNO}; js's default (the author's public key
 * protobuf ‖ seqno) differs, which only costs redundant IWANTs between the two.
 */
@FunctionalInterface
public interface MessageIdFunction {
    /** go-libp2p-pubsub's default: the author's peer id bytes ‖ the 8-byte seqno. */
    MessageIdFunction FROM_AND_SEQNO = m -> {
        byte[] from = m.from().toBytes();
        byte[] id = Arrays.copyOf(from, from.length + m.seqno().length);
        System.arraycopy(m.seqno(), 0, id, from.length, m.seqno().length);
        return id;
    };

    byte[] id(PubsubMessage message);
}
