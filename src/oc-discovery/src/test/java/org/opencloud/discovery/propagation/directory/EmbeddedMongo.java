package org.opencloud.discovery.propagation.directory;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB wire-compatible server in this JVM (mongo-java-server, in memory, on a free 127.0.0.1 port):
 * the MongoDB that the tests of {@link MongoPeerStore} talk to through the real driver.
 */
public final class EmbeddedMongo implements AutoCloseable {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final String connectionString;

    public EmbeddedMongo() {
        server.bind("127.0.0.1", 0);
        this.connectionString = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }

    /** {@code mongodb://127.0.0.1:<port>} */
    public String connectionString() {
        return connectionString;
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
