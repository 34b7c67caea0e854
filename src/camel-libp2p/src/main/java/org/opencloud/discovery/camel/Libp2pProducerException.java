package org.opencloud.discovery.camel;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;

/** A message that could not be delivered to a peer on a protocol; the cause says why. */
public class Libp2pProducerException extends CamelExchangeException {
    private final String peer;
    private final String protocol;

    public Libp2pProducerException(String peer, String protocol, String reason, Exchange exchange, Throwable cause) {
        super("cannot deliver " + (peer != null ? "to peer " + peer + " " : "") + "on " + protocol + ": " + reason,
                exchange, cause);
        this.peer = peer;
        this.protocol = protocol;
    }

    /** The target peer id, or null when none was given. */
    public String getPeer() {
        return peer;
    }

    public String getProtocol() {
        return protocol;
    }
}
