/**
 * The node: a camel-main application that loads the YAML routes of {@code routes/}, the
 * {@code libp2p:} component and the propagation beans the routes call. It wires; the logic is in
 * {@code propagation} (domain) and {@code camel} (component).
 */
package org.opencloud.discovery.node;
