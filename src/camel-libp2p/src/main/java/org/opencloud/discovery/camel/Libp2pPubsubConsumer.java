package org.opencloud.discovery.camel;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.opencloud.discovery.p2p.protocol.pubsub.PubsubMessage;
import org.opencloud.discovery.p2p.protocol.pubsub.Subscription;

import java.util.concurrent.RejectedExecutionException;

/**
 * Subscribes the endpoint's gossipsub topic: each message (signature checked, duplicates dropped by pubsub)
 * becomes one exchange on the component's worker pool, never on pubsub's thread, with the author in
 * {@code CamelLibp2pPeerId} and the topic in {@code CamelLibp2pTopic}. A failed exchange is left to the route's
 * error handler: gossip has no sender to tell.
 */
public class Libp2pPubsubConsumer extends DefaultConsumer {
    private final String topic;
    private Subscription subscription;

    public Libp2pPubsubConsumer(Libp2pEndpoint endpoint, Processor processor, String topic) {
        super(endpoint, processor);
        this.topic = topic;
    }

    @Override
    public Libp2pEndpoint getEndpoint() {
        return (Libp2pEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        subscription = getEndpoint().activePubsub().subscribe(topic, this::received);
    }

    @Override
    protected void doStop() throws Exception {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        super.doStop();
    }

    /** On pubsub's thread: hand over at once. */
    private void received(PubsubMessage message) {
        try {
            getEndpoint().getComponent().workerPool().execute(() -> route(message));
        } catch (RejectedExecutionException e) {
            getExceptionHandler().handleException("no worker for a message on topic " + topic + " from "
                    + message.from(), e);
        }
    }

    private void route(PubsubMessage message) {
        Exchange exchange = createExchange(false);
        exchange.getIn().setBody(message.data());
        exchange.getIn().setHeader(Libp2pConstants.PEER_ID, message.from().toString());
        exchange.getIn().setHeader(Libp2pConstants.TOPIC, message.topic());
        getAsyncProcessor().process(exchange, doneSync -> releaseExchange(exchange, false));
    }
}
