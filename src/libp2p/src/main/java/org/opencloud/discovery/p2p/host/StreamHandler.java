package org.opencloud.discovery.p2p.host;

/**
 * Serves one protocol: called once per inbound stream, on the connection's event loop, right after
 * the protocol was agreed. It must not block; it sets a listener or reads with
 * {@link Stream#readToEnd(int)} and answers asynchronously.
 */
@FunctionalInterface
public interface StreamHandler {
    void handle(Stream stream);
}
