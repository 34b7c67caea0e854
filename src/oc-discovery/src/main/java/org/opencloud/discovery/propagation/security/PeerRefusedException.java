package org.opencloud.discovery.propagation.security;

import org.opencloud.discovery.propagation.PropagationException;

/**
 * A peer that may not deliver what it sent (BLACKLISTED, NOT_PARTNER, UNKNOWN_PEER). Its own type so
 * routes can keep refused messages off NATS entirely (spec 4), while bad input from an admitted peer
 * goes to the error endpoint (spec 5).
 */
public class PeerRefusedException extends PropagationException {

    public PeerRefusedException(Reason reason, String message) {
        super(reason, message);
    }
}
