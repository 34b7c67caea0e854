package org.opencloud.discovery.camel;

import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;

/** Options of one {@code libp2p:} endpoint. */
@UriParams
public class Libp2pConfiguration {
    /** {@code libp2p:pubsub:<topic>}: a gossipsub topic instead of a protocol id. */
    static final String PUBSUB_PREFIX = "pubsub:";

    @UriPath
    @Metadata(required = true)
    private String protocol;

    @UriParam(label = "producer")
    private String peerId;

    @UriParam(label = "producer")
    private String peerAddress;

    @UriParam(label = "producer", defaultValue = "10000", javaType = "java.time.Duration")
    private long timeout = 10000;

    @UriParam(label = "common")
    private int maxMessageSize;

    @UriParam(label = "common", defaultValue = "false")
    private boolean keepOpen;

    public String getProtocol() {
        return protocol;
    }

    /**
     * The libp2p protocol id served or spoken, e.g. /opencloud/resource/create/1.0; or pubsub:topic, a gossipsub
     * topic that the consumer subscribes and the producer publishes to (needs the component's pubsubConfig).
     */
    public void setProtocol(String protocol) {
        this.protocol = protocol;
    }

    /** The topic of a {@code pubsub:} endpoint, or null for a protocol id. */
    String pubsubTopic() {
        return protocol != null && protocol.startsWith(PUBSUB_PREFIX) ? protocol.substring(PUBSUB_PREFIX.length()) : null;
    }

    public String getPeerId() {
        return peerId;
    }

    /** The peer to send to when the CamelLibp2pPeerId header is absent (base58, 12D3KooW...). */
    public void setPeerId(String peerId) {
        this.peerId = peerId;
    }

    public String getPeerAddress() {
        return peerAddress;
    }

    /** A full multiaddr ending in /p2p/ and the peer id, to send to, instead of peerId and the resolver. */
    public void setPeerAddress(String peerAddress) {
        this.peerAddress = peerAddress;
    }

    public long getTimeout() {
        return timeout;
    }

    /** Time allowed to dial, write and see the remote close the stream (milliseconds, or a duration such as 10s). */
    public void setTimeout(long timeout) {
        this.timeout = timeout;
    }

    public int getMaxMessageSize() {
        return maxMessageSize;
    }

    /** Largest message read in bytes (an inbound message, or a reply to the producer); defaults to the component's. */
    public void setMaxMessageSize(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public boolean isKeepOpen() {
        return keepOpen;
    }

    /**
     * Keep one long-lived stream per peer: the producer writes each message on it followed by a newline and
     * keeps it open (header CamelLibp2pCloseStream closes it); the consumer reads such a stream, one exchange
     * per newline-separated value.
     */
    public void setKeepOpen(boolean keepOpen) {
        this.keepOpen = keepOpen;
    }
}
