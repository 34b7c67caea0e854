package org.opencloud.discovery.propagation.codec;

/**
 * One event on a libp2p resource stream (spec 3.2).
 *
 * @param type the action the event carries
 * @param from sender peer id or DID
 * @param user user on whose behalf it is sent, or null
 * @param dataType canonical data type name
 * @param payload the resource JSON text
 * @param signature optional signature, carried as is, or null
 */
public record StreamEvent(Action type, String from, String user, String dataType, String payload, String signature) {
}
