package org.opencloud.discovery.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import org.opencloud.discovery.node.Node;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.pnet.SwarmKey;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The local demo of the README's first command: two nodes on embedded defaults, each with its own
 * nats-server, fresh keys and one shared swarm.key, partners of each other. It publishes one
 * PB_CREATE on node A's NATS and tells on stdout what arrives on node B's NATS; everything the nodes
 * log goes to {@code demo.log} in the demo's directory.
 */
public final class Demo {
    private static final String PUBLISHED_SUBJECT = "PROPALGATION_EVENT";
    private static final String ARRIVED_SUBJECT = "CREATE_RESOURCE";
    private static final String RESOURCE = "{\"id\":\"demo-resource-1\",\"name\":\"demo dataset\",\"kind\":\"data\"}";
    private static final String EVENT = "{\"FromApp\":\"demo-app\",\"Datatype\":1,\"User\":\"demo\",\"Payload\":"
            + "{\"Action\":\"PB_CREATE\",\"DataType\":\"DATA_RESOURCE\",\"Payload\":" + RESOURCE + "}}";
    private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Path log;
    private final List<Process> natsServers = new CopyOnWriteArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    /** One node of the demo: its key and ports. */
    private record Peer(String name, PrivateKey key, int natsPort, int p2pPort) {
        static Peer fresh(String name) throws IOException {
            return new Peer(name, PrivateKey.generate(), freePort(), freePort());
        }

        String natsUrl() {
            return "nats://127.0.0.1:" + natsPort;
        }

        String listenAddress() {
            return "/ip4/127.0.0.1/tcp/" + p2pPort;
        }
    }

    private Demo(Path dir) {
        this.dir = dir;
        this.log = dir.resolve("demo.log");
    }

    /** {@code demo [DIR]}: runs the demo in DIR (default {@code target/demo}) and exits with its code. */
    public static void main(String[] args) throws Exception {
        System.exit(run(Path.of(args.length > 0 ? args[0] : "target/demo")));
    }

    /** Runs the demo in {@code dir} (wiped first); returns the process exit code. */
    public static int run(Path dir) throws Exception {
        String natsServer = NatsServerInstaller.locate();
        if (natsServer == null) {
            return 2;
        }
        Demo demo = new Demo(dir);
        // Ctrl-C ends the JVM without the finally below: the nats-servers must not outlive it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> demo.natsServers.forEach(Process::destroy), "demo-nats-stop"));
        deleteRecursively(dir);
        Files.createDirectories(dir);
        LogFile.captureAll(demo.log); // before anything of the nodes logs
        try {
            return demo.execute(natsServer);
        } catch (Exception e) {
            LoggerFactory.getLogger(Demo.class).error("demo failed", e);
            return demo.failed(e.toString());
        } finally {
            demo.stop();
        }
    }

    private int execute(String natsServer) throws Exception {
        SwarmKey swarmKey = SwarmKey.generate();
        swarmKey.write(dir.resolve("swarm.key"));
        Peer a = Peer.fresh("A");
        Peer b = Peer.fresh("B");
        System.out.println("oc-discovery demo: two partner nodes, each with its own NATS, on one private libp2p"
                + " network (swarm.key fingerprint " + swarmKey.fingerprint() + ")");
        for (Peer peer : List.of(a, b)) {
            System.out.println("  node " + peer.name() + "  " + peer.key().peerId() + "  NATS " + peer.natsUrl()
                    + "  libp2p " + peer.listenAddress());
        }
        startNats(natsServer, a.natsPort());
        startNats(natsServer, b.natsPort());
        nodes.add(startNode(a, b));
        nodes.add(startNode(b, a));

        try (Connection natsA = Nats.connect(a.natsUrl()); Connection natsB = Nats.connect(b.natsUrl())) {
            Subscription created = natsB.subscribe(ARRIVED_SUBJECT);
            natsB.flush(Duration.ofSeconds(5));
            long sent = System.nanoTime();
            natsA.publish(PUBLISHED_SUBJECT, EVENT.getBytes(StandardCharsets.UTF_8));
            System.out.println("published on A's NATS, subject " + PUBLISHED_SUBJECT
                    + ": PB_CREATE of DATA_RESOURCE \"demo dataset\"\n  " + EVENT);
            Message arrived = created.nextMessage(ARRIVAL_TIMEOUT);
            if (arrived == null) {
                return failed("nothing arrived on B's " + ARRIVED_SUBJECT + " within " + ARRIVAL_TIMEOUT.toSeconds()
                        + " s");
            }
            long millis = Duration.ofNanos(System.nanoTime() - sent).toMillis();
            String body = new String(arrived.getData(), StandardCharsets.UTF_8);
            System.out.println("arrived on B's NATS, subject " + ARRIVED_SUBJECT + ", after " + millis + " ms"
                    + " (A's first dial to B included): " + body);
            System.out.println("  its Payload (base64, as Go's encoding/json writes []byte) decodes to: "
                    + payloadOf(body));
            System.out.println("logs: " + log + " (nats-server: " + dir.resolve("nats-*.log") + ")");
            return 0;
        }
    }

    private int failed(String reason) {
        System.out.println("demo FAILED: " + reason + "; the nodes' logs are in " + log);
        return 1;
    }

    private static String payloadOf(String natsBody) throws IOException {
        var payload = new ObjectMapper().readTree(natsBody).path("Payload");
        return payload.isTextual() ? new String(Base64.getDecoder().decode(payload.asText()), StandardCharsets.UTF_8)
                : payload.toString();
    }

    private Node startNode(Peer self, Peer partner) throws IOException {
        Path home = dir.resolve(self.name().toLowerCase());
        Files.createDirectories(home);
        KeyFiles.writePrivate(home.resolve("identity.key"), self.key().toProtobuf());
        Path peers = home.resolve("peers.json");
        String partnerId = partner.key().peerId().toString();
        Files.writeString(peers, "[{\"peer_id\":\"" + partnerId + "\",\"name\":\"demo-partner\","
                + "\"stream_address\":[\"" + partner.listenAddress() + "/p2p/" + partnerId + "\"],"
                + "\"relation\":\"PARTNER\"}]");
        return Node.start(Node.DEFAULT_CONFIG, Map.of(
                "oc.nats.servers", self.natsUrl(),
                "oc.data-dir", home.toString(),
                "oc.peers.file", peers.toString(),
                "camel.main.name", "oc-discovery-" + home.getFileName(),
                "camel.main.routesReloadEnabled", "false",
                "camel.component.libp2p.identityKeyFile", home.resolve("identity.key").toString(),
                "camel.component.libp2p.listenAddresses", self.listenAddress(),
                "camel.component.libp2p.swarmKeyFile", dir.resolve("swarm.key").toString()));
    }

    private void startNats(String natsServer, int port) throws IOException, InterruptedException {
        // with JetStream, as nodes expect it: the node's intake keeps what is published while it is down
        Process p = new ProcessBuilder(natsServer, "-a", "127.0.0.1", "-p", String.valueOf(port),
                "-js", "-sd", dir.resolve("nats-" + port + "-store").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nats-" + port + ".log").toFile())
                .start();
        natsServers.add(p);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nats-server did not start on port " + port + " (see " + dir + ")");
    }

    private void stop() {
        nodes.forEach(Node::close);
        natsServers.forEach(Process::destroy);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
