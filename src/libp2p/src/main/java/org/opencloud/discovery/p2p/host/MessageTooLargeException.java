package org.opencloud.discovery.p2p.host;

import org.opencloud.discovery.p2p.core.Libp2pException;

/** A message read from a stream went past the reader's limit; the stream was reset. */
public final class MessageTooLargeException extends Libp2pException {
    public MessageTooLargeException(String message) {
        super(message);
    }
}
