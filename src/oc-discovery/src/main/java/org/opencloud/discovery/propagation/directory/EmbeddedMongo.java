package org.opencloud.discovery.propagation.directory;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A MongoDB wire-compatible server in this JVM (mongo-java-server), used when no MongoDB URI
 * is configured. Listens on 127.0.0.1 only, on a free port. The file variant keeps its data
 * in an H2 MVStore file, so the directory survives a restart; the memory variant is for tests.
 */
public final class EmbeddedMongo implements AutoCloseable {

    /** File name of the H2 store inside the data directory. */
    public static final String STORE_FILE = "peer-directory.mv";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMongo.class);

    private final MongoServer server;
    private final String connectionString;

    private EmbeddedMongo(MongoBackend backend, String description) {
        this.server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        this.connectionString = "mongodb://127.0.0.1:" + address.getPort();
        LOG.info("Embedded MongoDB ({}) listening on {}", description, connectionString);
    }

    /** A server whose data lives in {@value #STORE_FILE} under the data directory (created if needed). */
    public static EmbeddedMongo onFile(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDirectory, e);
        }
        Path store = dataDirectory.resolve(STORE_FILE);
        return new EmbeddedMongo(new H2Backend(store.toString()), "H2 file " + store);
    }

    /** A server whose data is lost when it stops. */
    public static EmbeddedMongo inMemory() {
        return new EmbeddedMongo(new MemoryBackend(), "memory");
    }

    /** {@code mongodb://127.0.0.1:<port>} */
    public String connectionString() {
        return connectionString;
    }

    /** Stops listening and closes the backend, which flushes the H2 store. */
    @Override
    public void close() {
        server.shutdown();
    }
}
