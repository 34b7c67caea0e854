package org.opencloud.discovery.node;

import java.util.concurrent.CompletionException;

/**
 * An event the outbox stream did not store for every target (NATS down, the stream full or missing): the intake
 * gets it again later, and {@code Nats-Msg-Id} keeps the copies that were stored from being stored twice.
 */
public final class OutboxAppendException extends Exception {
    OutboxAppendException(String stream, Throwable cause) {
        super("not stored in outbox stream " + stream + ": " + unwrapped(cause), unwrapped(cause));
    }

    private static Throwable unwrapped(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
