package org.opencloud.discovery.propagation.codec;

/** What an application asks the node to propagate: {Action, DataType, Payload}; payload is JSON text. */
public record PropagationMessage(Action action, String dataType, String payload) {
}
