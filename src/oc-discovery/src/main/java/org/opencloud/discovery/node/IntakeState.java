package org.opencloud.discovery.node;

/** How the {@code nats-intake:} consumer takes events now, for the {@code nats} readiness check. */
final class IntakeState {
    enum Mode {
        /** not subscribed yet, or subscribing again after a reconnect */
        NOT_SUBSCRIBED,
        /** through the stream and the node's durable consumer: nothing the server accepted is lost */
        JETSTREAM,
        /** the server has no JetStream: core NATS, best effort */
        CORE
    }

    private volatile Mode mode = Mode.NOT_SUBSCRIBED;

    Mode mode() {
        return mode;
    }

    void set(Mode mode) {
        this.mode = mode;
    }
}
