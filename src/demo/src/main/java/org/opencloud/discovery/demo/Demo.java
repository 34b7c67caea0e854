package org.opencloud.discovery.demo;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import org.opencloud.discovery.node.Node;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.pnet.SwarmKey;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The local demo of the README's first command: two nodes on embedded defaults, each with its own
 * nats-server, fresh keys and one shared swarm.key, partners of each other. It publishes one
 * PB_CREATE on node A's NATS and prints the CREATE_RESOURCE that arrives on node B's NATS.
 */
public final class Demo {
    private static final String RESOURCE = "{\"id\":\"demo-resource-1\",\"name\":\"demo dataset\",\"kind\":\"data\"}";

    private final Path dir;
    private final List<Process> natsServers = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    private Demo(Path dir) {
        this.dir = dir;
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
        try {
            return demo.execute(natsServer);
        } finally {
            demo.stop();
        }
    }

    private int execute(String natsServer) throws Exception {
        deleteRecursively(dir);
        Files.createDirectories(dir);
        SwarmKey swarmKey = SwarmKey.generate();
        swarmKey.write(dir.resolve("swarm.key"));
        PrivateKey keyA = PrivateKey.generate();
        PrivateKey keyB = PrivateKey.generate();
        int natsA = freePort();
        int natsB = freePort();
        int p2pA = freePort();
        int p2pB = freePort();
        startNats(natsServer, natsA);
        startNats(natsServer, natsB);
        System.out.println("demo: node A " + keyA.peerId() + " (NATS :" + natsA + ", libp2p :" + p2pA + ")");
        System.out.println("demo: node B " + keyB.peerId() + " (NATS :" + natsB + ", libp2p :" + p2pB + ")");
        System.out.println("demo: shared swarm.key fingerprint " + swarmKey.fingerprint());

        nodes.add(startNode("a", keyA, natsA, p2pA, keyB, p2pB));
        nodes.add(startNode("b", keyB, natsB, p2pB, keyA, p2pA));

        try (Connection a = Nats.connect("nats://127.0.0.1:" + natsA);
             Connection b = Nats.connect("nats://127.0.0.1:" + natsB)) {
            Subscription created = b.subscribe("CREATE_RESOURCE");
            b.flush(Duration.ofSeconds(5));
            String event = "{\"FromApp\":\"demo-app\",\"Datatype\":1,\"User\":\"demo\",\"Payload\":"
                    + "{\"Action\":\"PB_CREATE\",\"DataType\":\"DATA_RESOURCE\",\"Payload\":" + RESOURCE + "}}";
            System.out.println("demo: publishing on A's NATS PROPALGATION_EVENT: " + event);
            a.publish("PROPALGATION_EVENT", event.getBytes(StandardCharsets.UTF_8));
            Message arrived = created.nextMessage(Duration.ofSeconds(30));
            if (arrived == null) {
                System.out.println("demo: FAILED: nothing arrived on B's CREATE_RESOURCE within 30 s (logs above)");
                return 1;
            }
            String body = new String(arrived.getData(), StandardCharsets.UTF_8);
            System.out.println("demo: arrived on B's NATS CREATE_RESOURCE: " + body);
            System.out.println("demo: its Payload (base64, as Go writes []byte) decodes to: " + payloadOf(body));
            return 0;
        }
    }

    private static String payloadOf(String natsBody) throws IOException {
        var payload = new com.fasterxml.jackson.databind.ObjectMapper().readTree(natsBody).path("Payload");
        return payload.isTextual() ? new String(java.util.Base64.getDecoder().decode(payload.asText()),
                StandardCharsets.UTF_8) : payload.toString();
    }

    private Node startNode(String name, PrivateKey key, int natsPort, int p2pPort, PrivateKey partner, int partnerPort)
            throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home);
        KeyFiles.writePrivate(home.resolve("identity.key"), key.toProtobuf());
        Path peers = home.resolve("peers.json");
        Files.writeString(peers, "[{\"peer_id\":\"" + partner.peerId() + "\",\"name\":\"demo-partner\","
                + "\"stream_address\":[\"/ip4/127.0.0.1/tcp/" + partnerPort + "/p2p/" + partner.peerId() + "\"],"
                + "\"relation\":\"PARTNER\"}]");
        return Node.start(Node.DEFAULT_CONFIG, Map.of(
                "oc.nats.servers", "nats://127.0.0.1:" + natsPort,
                "oc.data-dir", home.toString(),
                "oc.peers.file", peers.toString(),
                "camel.main.name", "oc-discovery-" + name,
                "camel.main.routesReloadEnabled", "false",
                "camel.component.libp2p.identityKeyFile", home.resolve("identity.key").toString(),
                "camel.component.libp2p.listenAddresses", "/ip4/127.0.0.1/tcp/" + p2pPort,
                "camel.component.libp2p.swarmKeyFile", dir.resolve("swarm.key").toString()));
    }

    private void startNats(String natsServer, int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(natsServer, "-a", "127.0.0.1", "-p", String.valueOf(port))
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
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
