package org.opencloud.discovery.propagation.codec;

/** Propagation actions (oc-lib PubSubAction). Their numbers on the wire come from the codec table. */
public enum Action {
    PB_SEARCH,
    PB_SEARCH_RESPONSE,
    PB_CREATE,
    PB_UPDATE,
    PB_DELETE,
    PB_CLOSE_PLANNER,
    PB_CLOSE_SEARCH,
    PB_PLANNER,
    PB_CONSIDERS,
    PB_ADMIRALTY_CONFIG,
    PB_MINIO_CONFIG
}
