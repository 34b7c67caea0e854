package org.opencloud.discovery.propagation.codec;

/**
 * The JSON body of a NATS message as oc-lib writes it.
 *
 * @param fromApp name of the publishing application (loop avoidance)
 * @param dataType canonical data type name, or null when absent
 * @param user user on whose behalf it was published, or null
 * @param method oc-lib method code, or null when absent; carried, never interpreted
 * @param payload the resource JSON, or the propagation message JSON for PROPALGATION_EVENT
 */
public record NatsEnvelope(String fromApp, String dataType, String user, Integer method, String payload) {
}
