package org.opencloud.discovery.p2p.protocol.pubsub;

/** A handler's hold on a topic; {@link #close()} removes the handler, and leaves the topic with the last one. */
public final class Subscription implements AutoCloseable {
    private final String topic;
    private final Runnable leave;
    private boolean closed;

    Subscription(String topic, Runnable leave) {
        this.topic = topic;
        this.leave = leave;
    }

    public String topic() {
        return topic;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            leave.run();
        }
    }
}
