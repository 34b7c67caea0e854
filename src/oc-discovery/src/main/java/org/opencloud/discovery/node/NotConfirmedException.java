package org.opencloud.discovery.node;

/**
 * An inbound event this node does not confirm to its sender, who therefore sends it again: its NATS did not
 * accept the message (down, reconnecting, or no answer in time), or the same event is being published right now.
 * Not bad input: it goes to no error endpoint (route configuration inbound-errors).
 */
public final class NotConfirmedException extends RuntimeException {
    public NotConfirmedException(String message) {
        super(message);
    }

    public NotConfirmedException(String message, Throwable cause) {
        super(message, cause);
    }
}
