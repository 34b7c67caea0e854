package org.opencloud.discovery.camel;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.opencloud.discovery.p2p.protocol.pubsub.Gossipsub;

/**
 * Send and receive messages over libp2p streams: one message per stream, on a protocol id such as
 * /opencloud/resource/create/1.0, authenticated by Noise and optionally inside a private network; or publish and
 * subscribe signed messages on a gossipsub topic (pubsub:topic).
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "libp2p", title = "libp2p", syntax = "libp2p:protocol",
        category = {Category.NETWORKING}, headersClass = Libp2pConstants.class)
public class Libp2pEndpoint extends DefaultEndpoint implements MultipleConsumersSupport {

    @UriParam
    private final Libp2pConfiguration configuration;
    /** keepOpen: the endpoint's streams, shared by its producers (one route may close what another opened). */
    private final Libp2pKeptStreams keptStreams;

    public Libp2pEndpoint(String uri, Libp2pComponent component, Libp2pConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
        this.keptStreams = new Libp2pKeptStreams(configuration);
    }

    Libp2pKeptStreams keptStreams() {
        return keptStreams;
    }

    @Override
    protected void doStop() throws Exception {
        keptStreams.closeAll();
        super.doStop();
    }

    @Override
    public Libp2pComponent getComponent() {
        return (Libp2pComponent) super.getComponent();
    }

    /** The component's gossipsub, which {@code libp2p:pubsub:} endpoints need; an error naming this endpoint without it. */
    Gossipsub activePubsub() {
        Gossipsub pubsub = getComponent().activePubsub();
        if (pubsub == null) {
            throw new IllegalStateException(getEndpointUri() + " needs the component's pubsubConfig");
        }
        return pubsub;
    }

    public Libp2pConfiguration getConfiguration() {
        return configuration;
    }

    @Override
    public Producer createProducer() {
        String topic = configuration.pubsubTopic();
        return topic != null ? new Libp2pPubsubProducer(this, topic) : new Libp2pProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        String topic = configuration.pubsubTopic();
        DefaultConsumer consumer = topic != null ? new Libp2pPubsubConsumer(this, processor, topic)
                : new Libp2pConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** A host serves one handler per protocol id; one consumer per topic likewise. */
    @Override
    public boolean isMultipleConsumersSupported() {
        return false;
    }
}
