/**
 * Interop tests against real js-libp2p peers: {@link org.opencloud.discovery.interop.JsPeer} installs
 * and drives the Node harness in {@code src/test/jspeer}; tests skip when node is not installed.
 */
package org.opencloud.discovery.interop;
