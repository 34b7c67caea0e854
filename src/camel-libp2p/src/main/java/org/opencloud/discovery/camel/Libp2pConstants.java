package org.opencloud.discovery.camel;

import org.apache.camel.spi.Metadata;

/** Headers of the libp2p component. */
public interface Libp2pConstants {

    @Metadata(description = "Producer: the peer id to send to (overrides the peerId option). Consumer: the"
            + " id of the peer that sent the message, as authenticated by Noise; on a pubsub: endpoint, the message's"
            + " author, whose signature was checked.", javaType = "String")
    String PEER_ID = "CamelLibp2pPeerId";

    @Metadata(label = "producer", description = "Addresses to dial the target peer at, a list or a comma-separated"
            + " string of multiaddrs; when absent the peerAddress option, then the peer address resolver, is used.",
            javaType = "java.util.List<String> or String")
    String PEER_ADDRESSES = "CamelLibp2pPeerAddresses";

    @Metadata(label = "consumer", description = "The protocol id the message arrived on.", javaType = "String")
    String PROTOCOL = "CamelLibp2pProtocol";

    @Metadata(label = "consumer", description = "The gossipsub topic the message arrived on (pubsub: endpoints).",
            javaType = "String")
    String TOPIC = "CamelLibp2pTopic";

    @Metadata(label = "consumer", description = "The multiaddr of the connection the message arrived on.",
            javaType = "String")
    String REMOTE_ADDRESS = "CamelLibp2pRemoteAddress";

    @Metadata(label = "producer", description = "With keepOpen: true closes the kept stream to the target peer"
            + " instead of sending the body; the next message opens a new one. Closing a stream that is not open"
            + " does nothing but log it.", javaType = "Boolean")
    String CLOSE_STREAM = "CamelLibp2pCloseStream";
}
