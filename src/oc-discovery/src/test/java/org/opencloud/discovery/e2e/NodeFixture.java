package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import org.opencloud.discovery.interop.ProjectPaths;
import org.opencloud.discovery.node.Node;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * One oc-discovery node for end-to-end tests, with everything it owns: its own nats-server, data
 * directory, identity key (generated before start, so other nodes' peers files can name it) and a
 * fixed loopback listen port. Routes come from the project's {@code routes/} directory unless
 * {@link #routes(Path)} says otherwise. Also the test's NATS client on that server and the message
 * builders the tests share.
 */
final class NodeFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path PROJECT_ROUTES = ProjectPaths.root().resolve("routes");
    static final Path PROJECT_CODEC = ProjectPaths.root().resolve("config/codec.properties");
    static final String APP_NAME = "oc-discovery";
    static final String ERRORS = "OC_DISCOVERY_ERRORS";
    static final Duration WAIT = Duration.ofSeconds(10);
    /** The connection name of the tests' own NATS clients, whose subscriptions are not the node's. */
    static final String TEST_CLIENT = "e2e-test";
    /** What the node's routes subscribe to on its NATS server; on a server with JetStream, all but the intake's. */
    private static final Set<String> NODE_SUBJECTS = Set.of("PROPALGATION_EVENT", "CREATE_RESOURCE", "REMOVE_RESOURCE");
    private static final Set<String> NODE_SUBJECTS_JETSTREAM = Set.of("CREATE_RESOURCE", "REMOVE_RESOURCE");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Random RANDOM = new Random();
    /** Ports handed out in this JVM: a probed port is free only until someone binds it, so never hand it out twice. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final String name;
    private final Path dir;
    private final PrivateKey identity;
    private final int port;
    private final int natsPort;
    private final int monitorPort;
    private final Map<String, String> overrides = new HashMap<>();
    private final List<String> natsConfig = new ArrayList<>();
    private NatsServerRunner natsServer;
    private Connection nats;
    private Node node;

    /** A node whose nats-server runs from the start. */
    NodeFixture(String name, Path dir) {
        this(name, dir, true);
    }

    /** A node whose nats-server is not started yet ({@link #startNats()}). */
    static NodeFixture withoutNats(String name, Path dir) {
        return new NodeFixture(name, dir, false);
    }

    private NodeFixture(String name, Path dir, boolean withNats) {
        this.name = name;
        this.dir = dir;
        try {
            monitorPort = freePort();
            natsPort = freePort();
            identity = PrivateKey.generate();
            KeyFiles.writePrivate(dir.resolve("identity.key"), identity.toProtobuf());
            port = freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (withNats) {
            startNats();
        }
        routes(PROJECT_ROUTES);
        overrides.put("camel.main.name", name);
        overrides.put("camel.main.routesReloadEnabled", "false");
        overrides.put("oc.nats.servers", "nats://127.0.0.1:" + natsPort);
        overrides.put("oc.data-dir", dir.resolve("data").toString());
        overrides.put("oc.peers.file", dir.resolve("peers.json").toString());
        overrides.put("oc.codec.file", PROJECT_CODEC.toString());
        overrides.put("camel.component.libp2p.identityKeyFile", dir.resolve("identity.key").toString());
        overrides.put("camel.component.libp2p.listenAddresses", "/ip4/127.0.0.1/tcp/" + port);
    }

    /** Loads the routes of {@code routesDir} instead of the project's. */
    NodeFixture routes(Path routesDir) {
        overrides.put("camel.main.routesIncludePattern", "file:" + routesDir.toAbsolutePath() + "/*.camel.yaml");
        overrides.put("camel.main.routesReloadDirectory", routesDir.toAbsolutePath().toString());
        return this;
    }

    /** Sets a node property (beats the defaults), for the next start. */
    NodeFixture set(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    /** Writes the peers file: each of {@code partners} as a PARTNER. */
    NodeFixture partners(NodeFixture... partners) {
        List<ObjectNode> peers = new ArrayList<>();
        for (NodeFixture partner : partners) {
            peers.add(peerJson(partner.peerId(), partner.address(), "PARTNER"));
        }
        return peers(peers);
    }

    /** Writes the peers file with these peer objects. */
    NodeFixture peers(List<ObjectNode> peers) {
        ArrayNode list = JSON.createArrayNode().addAll(peers);
        try {
            Files.writeString(dir.resolve("peers.json"), list.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Starts the node; with its NATS up, returns once its NATS consumers have subscribed (in the background). */
    NodeFixture start() {
        node = Node.start(dir.resolve("no-operator-file.properties").toString(), overrides);
        if (natsServer != null) {
            awaitSubscribed();
        }
        return this;
    }

    /** Lines for the nats-server's configuration file (such as {@code max_payload: 2048}), for its next start. */
    NodeFixture natsConfig(String... lines) {
        natsConfig.addAll(List.of(lines));
        return this;
    }

    /** Starts the node's nats-server, always on the same port, and the test's client on it. */
    NodeFixture startNats() {
        try {
            natsServer = NatsServerRunners.builder().port(natsPort).configInserts(natsConfig)
                    .customArgs(new String[] {"-m", String.valueOf(monitorPort)}).outputLevel(Level.WARNING).build();
            nats = Nats.connect(new Options.Builder().server(natsServer.getURI()).connectionName(TEST_CLIENT).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Stops the node's nats-server (the node stays up). */
    void stopNats() throws Exception {
        nats.close();
        natsServer.close();
        nats = null;
        natsServer = null;
    }

    /** Waits until the node's routes have subscribed on its NATS server. */
    void awaitSubscribed() {
        awaitSubscribed(name, URI.create("http://127.0.0.1:" + monitorPort));
    }

    /**
     * Waits until a node's routes have subscribed on the NATS server whose monitoring endpoint is {@code monitor}
     * (with JetStream, the intake pulls from its stream instead: the node's readiness says when).
     */
    static void awaitSubscribed(String name, URI monitor) {
        Set<String> expected = monitor(monitor, "/varz").path("jetstream").has("config") ? NODE_SUBJECTS_JETSTREAM
                : NODE_SUBJECTS;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!nodeSubjects(monitor).containsAll(expected)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not subscribe to " + expected + " within " + WAIT);
            }
            sleep(Duration.ofMillis(50));
        }
    }

    /** Subjects subscribed on a NATS server by anyone but the test client (its monitoring endpoint). */
    private static Set<String> nodeSubjects(URI monitor) {
        Set<String> subjects = new HashSet<>();
        for (JsonNode connection : monitor(monitor, "/connz?subs=1").path("connections")) {
            if (!TEST_CLIENT.equals(connection.path("name").asText())) {
                connection.path("subscriptions_list").forEach(subject -> subjects.add(subject.asText()));
            }
        }
        return subjects;
    }

    private static JsonNode monitor(URI monitor, String path) {
        try {
            return json(HTTP.send(HttpRequest.newBuilder(monitor.resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A loopback port nobody listens on now. Taken below Linux's ephemeral range (32768-60999): a port the
     * kernel handed out there could be taken again as the local port of any outgoing connection
     * (NATS, Mongo, libp2p dials) before the node binds it. Each port is handed out once per JVM: a test that
     * builds sixteen nodes before starting them would otherwise, now and then, give two of them the same port.
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 20000 + RANDOM.nextInt(12000);
            if (!HANDED_OUT.add(candidate)) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (BindException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }

    /** Stops the node; its NATS server and data directory stay. */
    void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    Node node() {
        return node;
    }

    String name() {
        return name;
    }

    String peerId() {
        return identity.peerId().toString();
    }

    /** The dialable address, with {@code /p2p/<peer id>}. */
    String address() {
        return "/ip4/127.0.0.1/tcp/" + port + "/p2p/" + peerId();
    }

    Connection nats() {
        return nats;
    }

    /** A subscription made now, so nothing published after this call is missed. */
    Subscription subscribe(String subject) {
        Subscription subscription = nats.subscribe(subject);
        flush();
        return subscription;
    }

    void publish(String subject, String body) {
        nats.publish(subject, body.getBytes(StandardCharsets.UTF_8));
        flush();
    }

    private void flush() {
        try {
            nats.flush(WAIT);
        } catch (Exception e) {
            throw new IllegalStateException("NATS flush on " + name + " failed", e);
        }
    }

    /** Closes the nodes (and peers) that were started; null entries (a setup that failed half way) are skipped. */
    static void closeAll(AutoCloseable... started) throws Exception {
        for (AutoCloseable closeable : started) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        if (natsServer != null) {
            stopNats();
        }
    }

    // ------------------------------------------------------------------ messages

    /** The next message of {@code subscription}, failing after {@link #WAIT}. */
    static Message next(Subscription subscription) {
        Message message = poll(subscription, WAIT);
        assertNotNull(message, "nothing on " + subscription.getSubject() + " within " + WAIT);
        return message;
    }

    /** Fails when anything arrives on {@code subscription} within {@code window}. */
    static void assertNothing(Subscription subscription, Duration window) {
        Message message = poll(subscription, window);
        assertNull(message, () -> "unexpected on " + subscription.getSubject() + ": " + text(message));
    }

    /** The next message on {@code subscription} within {@code timeout}, or null. */
    static Message poll(Subscription subscription, Duration timeout) {
        try {
            return subscription.nextMessage(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String text(Message message) {
        return message == null ? null : new String(message.getData(), StandardCharsets.UTF_8);
    }

    static JsonNode json(Message message) {
        return json(text(message));
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the node writes for a payload (the codec table's default: base64 of the JSON), decoded. */
    static JsonNode decodedPayload(JsonNode value) {
        return value.isTextual() ? json(new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8))
                : value;
    }

    static String base64(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An oc-lib PROPALGATION_EVENT from {@code fromApp}: {FromApp, Datatype, User, Payload: {Action,
     * DataType, Payload}}; with {@code base64}, both payloads are base64 strings as Go writes []byte.
     */
    static String propagationEvent(String fromApp, String action, String dataType, String payloadJson, boolean base64) {
        ObjectNode message = JSON.createObjectNode().put("Action", action).put("DataType", dataType);
        ObjectNode envelope = JSON.createObjectNode().put("FromApp", fromApp).put("Datatype", dataType).put("User", "alice");
        if (base64) {
            message.put("Payload", base64(payloadJson));
            envelope.put("Payload", base64(message.toString()));
        } else {
            message.set("Payload", json(payloadJson));
            envelope.set("Payload", message);
        }
        return envelope.toString();
    }

    /**
     * Publishes a PB_SEARCH of DataType PEER for {@code text} on this node's NATS and returns the payload of the
     * SEARCH_EVENT that answers it, which the node publishes under its own app name.
     */
    JsonNode searchPeer(String text) {
        Subscription answers = subscribe("SEARCH_EVENT");
        String payload = JSON.createObjectNode().put("type", "all").put("search", text).toString();
        publish("PROPALGATION_EVENT", propagationEvent("search-app", "PB_SEARCH", "PEER", payload, false));
        JsonNode event = json(next(answers));
        assertEquals(APP_NAME, event.path("FromApp").asText());
        return decodedPayload(event.path("Payload"));
    }

    /** A CREATE_RESOURCE / REMOVE_RESOURCE body of DataType PEER, as an app publishes it. */
    static String peerMessage(ObjectNode peer) {
        return JSON.createObjectNode().put("FromApp", "peers-app").put("Datatype", "PEER").put("User", "admin")
                .<ObjectNode>set("Payload", peer).toString();
    }

    static ObjectNode peerJson(String peerId, String address, String relation) {
        ObjectNode peer = JSON.createObjectNode().put("peer_id", peerId).put("name", "peer-" + peerId.substring(46));
        peer.putArray("stream_address").add(address);
        return peer.put("relation", relation);
    }
}
