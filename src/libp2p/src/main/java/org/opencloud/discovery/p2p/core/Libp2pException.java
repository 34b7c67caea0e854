package org.opencloud.discovery.p2p.core;

/** Any failure of the libp2p stack; the message names the step that failed and why. */
public class Libp2pException extends RuntimeException {
    public Libp2pException(String message) {
        super(message);
    }

    public Libp2pException(String message, Throwable cause) {
        super(message, cause);
    }
}
