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
 * @param id the sender's id of the event, the same on every retry, or null (an older sender): with
 *           {@code from}, what a receiver's NATS drops duplicates by
 */
public record StreamEvent(Action type, String from, String user, String dataType, String payload, String signature,
                          String id) {
}
