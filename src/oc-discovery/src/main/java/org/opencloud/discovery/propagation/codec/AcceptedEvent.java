package org.opencloud.discovery.propagation.codec;

/**
 * A stream event a receiver accepted and the NATS body it publishes for it.
 *
 * @param event the event as received
 * @param natsMessage the CREATE_RESOURCE / REMOVE_RESOURCE / PROPALGATION_EVENT body for this node's apps
 */
public record AcceptedEvent(StreamEvent event, byte[] natsMessage) {
}
