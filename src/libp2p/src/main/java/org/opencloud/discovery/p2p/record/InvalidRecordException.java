package org.opencloud.discovery.p2p.record;

import org.opencloud.discovery.p2p.core.Libp2pException;

/** A signed record that is malformed, badly signed, of another domain or type, or not its signer's. */
public final class InvalidRecordException extends Libp2pException {
    public InvalidRecordException(String message) {
        super(message);
    }

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
