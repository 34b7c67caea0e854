package org.opencloud.discovery.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.pnet.SwarmKey;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.ping.PingService;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operator commands: {@code keygen}, {@code peerid}, {@code swarmkey}, {@code ping}, {@code send}, {@code listen},
 * and {@code health}, the container's health probe.
 */
public final class OperatorCommands {
    static final String USAGE = String.join("\n",
            "usage: java -jar oc-discovery-camel.jar COMMAND [--json] ...",
            "  keygen FILE [--force]                      make an Ed25519 key file (0600), print its peer id",
            "  peerid FILE                                print the peer id of a key file",
            "  swarmkey FILE [--force]                    make a private-network swarm.key (0600)",
            "  ping MULTIADDR [--count N] [--key F] [--psk F]",
            "                                             ping a peer (address ending in /p2p/<id>)",
            "  send MULTIADDR PROTOCOL [--read] [--timeout S] [--key F] [--psk F]",
            "                                             send stdin as one message on PROTOCOL",
            "  listen PROTOCOL... [--listen MULTIADDR]... [--echo PROTOCOL]... [--key F] [--psk F] [--max-size N]",
            "                                             serve PROTOCOLs, print each message received",
            "  health [URL] [--timeout S]                 exit 0 if the node is ready: GET URL, by default its",
            "                                             management server's /observe/health/ready on",
            "                                             CAMEL_MANAGEMENT_HOST:CAMEL_MANAGEMENT_PORT (127.0.0.1:8080)",
            "  (without a command: run the node)");
    static final Set<String> NAMES = Set.of("keygen", "peerid", "swarmkey", "ping", "send", "listen", "health", "help");
    /** Where the node's readiness is served (camel-main's management server, its default health path). */
    static final String READINESS_PATH = "/observe/health/ready";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;
    private final Map<String, String> environment;
    private boolean json;

    OperatorCommands(PrintStream out) {
        this(out, System.getenv());
    }

    /** With the node's environment, where {@code health} finds the management server. */
    OperatorCommands(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = environment;
    }

    /** True when {@code args} name an operator command rather than the node's main job. */
    public static boolean isCommand(String[] args) {
        return args.length > 0 && NAMES.contains(args[0]);
    }

    /** Runs the command in {@code args}; returns the process exit code. */
    public static int run(String[] args) {
        return new OperatorCommands(System.out).execute(List.of(args));
    }

    int execute(List<String> args) {
        String name = args.isEmpty() ? "help" : args.get(0);
        List<String> rest = args.subList(Math.min(1, args.size()), args.size());
        try {
            switch (name) {
                case "keygen" -> keygen(parse(rest, Set.of("force"), Set.of()));
                case "peerid" -> peerid(parse(rest, Set.of(), Set.of()));
                case "swarmkey" -> swarmkey(parse(rest, Set.of("force"), Set.of()));
                case "ping" -> ping(parse(rest, Set.of(), Set.of("count", "key", "psk")));
                case "send" -> send(parse(rest, Set.of("read"), Set.of("timeout", "key", "psk")));
                case "listen" -> listen(parse(rest, Set.of(), Set.of("listen", "echo", "key", "psk", "max-size")));
                case "health" -> {
                    return health(parse(rest, Set.of(), Set.of("timeout")));
                }
                default -> {
                    out.println(USAGE);
                    return 0;
                }
            }
            return 0;
        } catch (Arguments.UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        } catch (Libp2pException e) {
            report(Map.of("event", "error", "error", e.getMessage()), "error: " + e.getMessage());
            return 1;
        }
    }

    private Arguments parse(List<String> args, Set<String> flags, Set<String> valued) {
        Set<String> allFlags = new java.util.HashSet<>(flags);
        allFlags.add("json");
        Arguments a = new Arguments(args, allFlags, valued);
        json = a.flag("json");
        return a;
    }

    private void keygen(Arguments a) {
        Path file = Path.of(a.positional(0, "FILE"));
        replaceIfForced(file, a.flag("force"));
        PrivateKey key = PrivateKey.generate();
        KeyFiles.writePrivate(file, key.toProtobuf());
        report(ordered("event", "key", "file", file.toString(), "type", "Ed25519",
                "peerId", key.peerId().toString(), "created", true), key.peerId().toString());
    }

    private void peerid(Arguments a) {
        Path file = Path.of(a.positional(0, "FILE"));
        PrivateKey key = KeyFiles.readIdentity(file);
        report(ordered("event", "key", "file", file.toString(), "type", "Ed25519",
                "peerId", key.peerId().toString(), "cid", key.peerId().toCid()), key.peerId().toString());
    }

    private void swarmkey(Arguments a) {
        Path file = Path.of(a.positional(0, "FILE"));
        replaceIfForced(file, a.flag("force"));
        SwarmKey key = SwarmKey.generate();
        key.write(file);
        report(ordered("event", "swarmkey", "file", file.toString(), "fingerprint", key.fingerprint(), "created", true),
                "wrote " + file + " (fingerprint " + key.fingerprint() + ")");
    }

    private void ping(Arguments a) {
        Multiaddr target = Multiaddr.of(a.positional(0, "MULTIADDR"));
        int count = Integer.parseInt(a.value("count") == null ? "1" : a.value("count"));
        try (Host host = startHost(a, List.of())) {
            var connection = await(host.connect(target), Duration.ofSeconds(30), "connect to " + target);
            for (int i = 0; i < count; i++) {
                Duration rtt = await(PingService.ping(connection), Duration.ofSeconds(30), "ping " + target);
                double ms = rtt.toNanos() / 1e6;
                report(ordered("event", "ping", "to", target.toString(), "ms", ms),
                        String.format("PONG from %s: time=%.3f ms", connection.remotePeer(), ms));
            }
        }
    }

    private void send(Arguments a) {
        Multiaddr target = Multiaddr.of(a.positional(0, "MULTIADDR"));
        String protocol = a.positional(1, "PROTOCOL");
        Duration timeout = Duration.ofSeconds(Long.parseLong(a.value("timeout") == null ? "30" : a.value("timeout")));
        byte[] message;
        try {
            message = System.in.readAllBytes();
        } catch (IOException e) {
            throw new Libp2pException("cannot read stdin: " + e.getMessage(), e);
        }
        try (Host host = startHost(a, List.of())) {
            long start = System.nanoTime();
            Stream stream = await(host.newStream(target, List.of(protocol)), timeout, "open " + protocol + " to " + target);
            stream.write(Unpooled.wrappedBuffer(message));
            stream.closeWrite();
            Map<String, Object> event = ordered("event", "sent", "to", target.toString(), "protocol", protocol,
                    "bytes", message.length);
            String reply = null;
            if (a.flag("read")) {
                reply = new String(await(stream.readToEnd(host.config().maxMessageSize()), timeout, "read the reply"),
                        StandardCharsets.UTF_8);
            } else {
                await(stream.readToEnd(host.config().maxMessageSize()), timeout, "wait for " + target + " to close");
            }
            event.put("ms", (System.nanoTime() - start) / 1e6);
            if (reply != null) {
                event.put("reply", reply);
            }
            report(event, reply != null ? reply : "sent " + message.length + " bytes on " + protocol);
        }
    }

    private void listen(Arguments a) {
        List<String> protocols = a.positional();
        List<String> echo = a.values("echo");
        if (protocols.isEmpty() && echo.isEmpty()) {
            throw new Arguments.UsageException("listen needs at least one PROTOCOL or --echo PROTOCOL");
        }
        List<String> listen = a.values("listen").isEmpty() ? List.of("/ip4/127.0.0.1/tcp/0") : a.values("listen");
        int maxSize = Integer.parseInt(a.value("max-size") == null ? String.valueOf(4 << 20) : a.value("max-size"));
        Host host = startHost(a, listen);
        for (String protocol : protocols) {
            host.handle(protocol, stream -> stream.readToEnd(maxSize).whenComplete((bytes, error) -> {
                if (error != null) {
                    report(ordered("event", "error", "protocol", protocol, "from", stream.remotePeer().toString(),
                            "error", error.getMessage()), "error on " + protocol + ": " + error.getMessage());
                    return;
                }
                stream.closeWrite();
                String text = new String(bytes, StandardCharsets.UTF_8);
                report(ordered("event", "recv", "protocol", protocol, "from", stream.remotePeer().toString(),
                        "bytes", bytes.length, "data", text), stream.remotePeer() + " " + protocol + ": " + text);
            }));
        }
        for (String protocol : echo) {
            host.handle(protocol, stream -> stream.readToEnd(maxSize).thenAccept(bytes -> {
                stream.write(Unpooled.wrappedBuffer(bytes));
                stream.closeWrite();
                report(ordered("event", "echoed", "protocol", protocol, "from", stream.remotePeer().toString(),
                        "bytes", bytes.length), "echoed " + bytes.length + " bytes on " + protocol);
            }));
        }
        List<String> addrs = new ArrayList<>();
        for (Multiaddr m : host.advertisedAddresses()) {
            addrs.add(m.withPeerId(host.peerId()).toString());
        }
        report(ordered("event", "ready", "peerId", host.peerId().toString(), "addrs", addrs),
                "listening as " + host.peerId() + " on " + String.join(" ", addrs));
        CountDownLatch stop = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            host.close();
            stop.countDown();
        });
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            stop.await();
        } catch (InterruptedException e) {
            // run in-process (tests, embedding): an interrupt stops listening instead of leaving the host bound
            Thread.currentThread().interrupt();
            Runtime.getRuntime().removeShutdownHook(shutdown);
            host.close();
        }
    }

    /** Exit 0 when the readiness answers 200 (UP), 1 when it answers otherwise (503: DOWN) or not at all. */
    private int health(Arguments a) {
        URI url = URI.create(a.positional().isEmpty() ? readinessUrl(environment) : a.positional(0, "URL"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(a.value("timeout") == null ? "5" : a.value("timeout")));
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(url).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean ready = response.statusCode() == 200;
            report(ordered("event", "health", "url", url.toString(), "ready", ready, "status", response.statusCode(),
                    "body", response.body()), url + ": " + response.statusCode() + " " + response.body());
            return ready ? 0 : 1;
        } catch (IOException e) {
            report(ordered("event", "health", "url", url.toString(), "ready", false, "error", e.toString()),
                    url + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * The node's readiness where its environment puts the management server (the Docker image sets the port);
     * a server bound to every address ({@code 0.0.0.0}, camel-main's default) is asked on the loopback.
     */
    static String readinessUrl(Map<String, String> environment) {
        String host = environment.getOrDefault("CAMEL_MANAGEMENT_HOST", "");
        if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + environment.getOrDefault("CAMEL_MANAGEMENT_PORT", "8080") + READINESS_PATH;
    }

    private static Host startHost(Arguments a, List<String> listen) {
        PrivateKey key = a.value("key") == null ? PrivateKey.generate() : KeyFiles.loadOrCreateIdentity(Path.of(a.value("key")));
        HostConfig config = HostConfig.withIdentity(key);
        if (a.value("psk") != null) {
            config.privateNetworkKey(SwarmKey.read(Path.of(a.value("psk"))));
        }
        for (String l : listen) {
            config.listen(Multiaddr.of(l));
        }
        Host host = new Host(config);
        StandardProtocols.install(host);
        return host.start();
    }

    private static void replaceIfForced(Path file, boolean force) {
        if (Files.exists(file)) {
            if (!force) {
                throw new Libp2pException(file + " exists; use --force to replace it");
            }
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw new Libp2pException("cannot replace " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new Libp2pException("cannot " + what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Libp2pException("cannot " + what + ": no answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Libp2pException("interrupted while trying to " + what);
        }
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private synchronized void report(Map<String, Object> event, String text) {
        if (json) {
            try {
                out.println(JSON.writeValueAsString(event));
            } catch (IOException e) {
                throw new IllegalStateException("a map of strings and numbers always serializes", e);
            }
        } else {
            out.println(text);
        }
        out.flush();
    }
}
