package org.opencloud.discovery.node;

import org.opencloud.discovery.propagation.RateLimitedLog;
import org.opencloud.discovery.propagation.catalogue.ResourceCatalogue;
import org.opencloud.discovery.propagation.codec.PropagationRequest;
import org.opencloud.discovery.propagation.directory.PeerDirectorySync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The resource catalogue following what this node propagates ({@code ref: ownResources}, steps of the PB_CREATE,
 * PB_UPDATE and PB_DELETE branches): a created or updated resource is kept, a deleted one forgotten, so searching
 * peers find what this node has. Peers (DataType PEER) live in the directory, not here. A catalogue that cannot take
 * a change is logged (at most once a second) and the propagation goes on: partners must not miss it for that.
 */
public final class OwnResources {
    private static final Logger LOG = LoggerFactory.getLogger(OwnResources.class);

    private final ResourceCatalogue catalogue;
    private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofSeconds(1));

    OwnResources(ResourceCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** PB_CREATE, PB_UPDATE: the resource kept (replacing the one with its id). */
    public void upsert(PropagationRequest request) {
        if (!PeerDirectorySync.PEER.equals(request.dataType())) {
            apply("keep", request, () -> catalogue.upsert(request.dataType(), request.parsedPayload(), request.payload()));
        }
    }

    /** PB_DELETE: the resource forgotten. */
    public void remove(PropagationRequest request) {
        if (!PeerDirectorySync.PEER.equals(request.dataType())) {
            apply("forget", request, () -> catalogue.remove(request.dataType(), request.parsedPayload()));
        }
    }

    private void apply(String what, PropagationRequest request, java.util.function.BooleanSupplier change) {
        try {
            if (!change.getAsBoolean()) {
                LOG.debug("the resource catalogue did not {} a {} (no id, or not this node's to write)", what,
                        request.dataType());
            }
        } catch (RuntimeException e) {
            log.warn("catalogue", "the resource catalogue (" + catalogue.describe() + ") could not " + what + " a "
                    + request.dataType() + ": " + e.getMessage());
        }
    }
}
