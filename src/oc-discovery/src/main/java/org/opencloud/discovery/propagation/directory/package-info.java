/**
 * The peer directory (spec 2): peer records in MongoDB (plain CRUD through the sync driver,
 * so a real MongoDB and the embedded mongo-java-server behave alike), seeded from a peers
 * file at start and kept in step with CREATE_RESOURCE / REMOVE_RESOURCE messages of
 * DataType PEER. Seeding never overrides a relation that was changed at run time.
 */
package org.opencloud.discovery.propagation.directory;
