/**
 * The peer directory (spec 2): peer records behind a {@link org.opencloud.discovery.propagation.directory.PeerStore},
 * either a MongoDB collection (plain CRUD through the sync driver) or, when no MongoDB is configured, an
 * H2 MVStore file in the node's own JVM with no listener, readable and writable by the node's user only.
 * Both keep the same document per peer. The directory is seeded from a peers file at start and kept in
 * step with CREATE_RESOURCE / REMOVE_RESOURCE messages of DataType PEER. Seeding never overrides a
 * relation that was changed at run time.
 */
package org.opencloud.discovery.propagation.directory;
