/**
 * PB_SEARCH of resources between nodes: search events signed by the requester's identity
 * ({@link org.opencloud.discovery.propagation.search.SignedSearchEvents}), the searches a node waits for results of,
 * with their bounds ({@link org.opencloud.discovery.propagation.search.PendingSearches}), and the rate at which a
 * node answers a peer's searches ({@link org.opencloud.discovery.propagation.search.SearchRateLimit}).
 */
package org.opencloud.discovery.propagation.search;
