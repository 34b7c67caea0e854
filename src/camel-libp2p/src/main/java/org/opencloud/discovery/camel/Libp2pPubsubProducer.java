package org.opencloud.discovery.camel;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.opencloud.discovery.p2p.protocol.pubsub.Gossipsub;

import java.util.concurrent.CompletionException;

/**
 * Publishes the body (as {@code byte[]}) on the endpoint's gossipsub topic, signed with the host's identity; the
 * exchange completes once the message is queued to its peers, and fails when it is over the RPC limit or pubsub
 * is not configured.
 */
public class Libp2pPubsubProducer extends DefaultAsyncProducer {
    private final String topic;

    public Libp2pPubsubProducer(Libp2pEndpoint endpoint, String topic) {
        super(endpoint);
        this.topic = topic;
    }

    @Override
    public Libp2pEndpoint getEndpoint() {
        return (Libp2pEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            Gossipsub pubsub = getEndpoint().activePubsub();
            byte[] body = exchange.getMessage().getMandatoryBody(byte[].class);
            pubsub.publish(topic, body).whenComplete((peers, error) -> {
                if (error != null) {
                    exchange.setException(error instanceof CompletionException ? error.getCause() : error);
                }
                callback.done(false);
            });
            return false;
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }
}
