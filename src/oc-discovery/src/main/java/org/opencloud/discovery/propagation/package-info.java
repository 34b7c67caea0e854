/**
 * The propagation domain: plain beans that Camel routes call by reference, with no Camel and
 * no Netty imports. {@link org.opencloud.discovery.propagation.codec} reads and writes the
 * NATS and libp2p stream messages through a configurable codec table,
 * {@link org.opencloud.discovery.propagation.directory} keeps the peer directory (MongoDB or an in-process file),
 * {@link org.opencloud.discovery.propagation.catalogue} the resources searches are answered from,
 * {@link org.opencloud.discovery.propagation.search} signs, bounds and rates resource searches,
 * and {@link org.opencloud.discovery.propagation.security} decides which peers may do what.
 * Every bad input surfaces as a {@link org.opencloud.discovery.propagation.PropagationException}
 * carrying a reason code, so a route can send the message to its error endpoint.
 */
package org.opencloud.discovery.propagation;
