package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.interop.JavaCommand;
import org.opencloud.discovery.interop.ProjectPaths;
import org.opencloud.discovery.p2p.core.KeyFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.APP_NAME;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * {@code docker/compose.yaml} run without Docker, which this machine does not have: the set-up steps of its
 * header, then each service as its own process with exactly the service's {@code environment} (over the
 * image's ENV) and arguments, started in the order its {@code depends_on} conditions say. Only what Docker
 * itself provides is stood in for:
 * <ul>
 *   <li>a container's file system: the image's WORKDIR under a directory of its own, holding what the
 *       Dockerfile COPYs there from the project, and the service's volumes linked in at their paths (bind
 *       mounts from the set-up steps' output, read-only ones made read-only, named volumes as empty
 *       directories); values naming container paths name those;</li>
 *   <li>{@code java -jar oc-discovery-camel.jar ...}: the jar's main class on this build's class path;</li>
 *   <li>Docker's network: each service gets a loopback address of its own (127.0.0.2, 127.0.0.3, ... in file
 *       order) on which its ports are the compose file's; service names in values (and in the peers files
 *       the steps write) become that address, and so does what a service binds to 0.0.0.0 or asks on
 *       localhost, including the management server the image's defaults bind to 0.0.0.0.</li>
 * </ul>
 * Each node must become healthy by the service's own healthcheck, and an event published on either node's
 * NATS must arrive on the other's: a setting of the file the node ignored would leave it unable to find its
 * NATS, its key, its partner or the private network.
 */
class ComposeEnvironmentTest {
    private static final Path COMPOSE = ProjectPaths.root().resolve("docker/compose.yaml");
    private static final String MAIN = "org.opencloud.discovery.Main";
    private static final String JAR = "oc-discovery-camel.jar";
    private static final Duration HEALTHY = Duration.ofSeconds(30);
    private static final Duration COMMAND = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern URL = Pattern.compile("^https?://.*");

    @TempDir
    Path dir;
    private final ComposeFile compose = ComposeFile.read(COMPOSE);
    /** Everything started, closed last first. */
    private final Running running = new Running();
    private final Map<String, String> addresses = new LinkedHashMap<>();

    @AfterEach
    void stopEverything() throws Exception {
        running.closeAll();
    }

    @Test
    void composeFilePromisesWhatTheNodesNeed() {
        DockerImage image = image();
        assertEquals("/opt/oc-discovery", image.workdir(), "the working directory the README names");
        assertTrue(image.copies().contains(new DockerImage.Copy(null, List.of("routes"), "./routes")), "routes/ copied");
        assertTrue(image.copies().contains(new DockerImage.Copy(null, List.of("config"), "./config")), "config/ copied");
        assertEquals(List.of("java", "-jar", JAR), image.entrypoint());
        assertEquals("true", image.environment().get("CAMEL_MANAGEMENT_ENABLED"), "the image turns the management server on");
        assertTrue(image.exposed().contains(image.environment().get("CAMEL_MANAGEMENT_PORT")), image.exposed()::toString);
        assertFalse(image.healthcheck().isEmpty(), "the image has a healthcheck");

        List<ComposeFile.Service> nodes = nodeServices();
        assertEquals(2, nodes.size(), "two nodes");
        for (ComposeFile.Service node : nodes) {
            assertEquals(image.healthcheck(), node.healthcheck(), node.name() + "'s healthcheck is the image's readiness");
            assertEquals(1, node.dependsOn().size(), node.name() + " depends on its NATS");
            node.dependsOn().forEach((dependency, condition) -> {
                assertEquals("service_healthy", condition, node.name() + " starts once " + dependency + " is healthy");
                ComposeFile.Service nats = compose.service(dependency);
                assertTrue(nats.image().startsWith("nats:"), dependency + " is a NATS server");
                assertFalse(nats.healthcheck().isEmpty(), dependency + " has a healthcheck");
                assertEquals("nats://" + dependency + ":4222", node.environment().get("OC_NATS_SERVERS"),
                        node.name() + " uses the NATS it waits for");
            });
            String listen = node.environment().get("CAMEL_COMPONENT_LIBP2P_LISTENADDRESSES");
            assertNotNull(listen, node.name() + " says where libp2p listens");
            assertTrue(image.exposed().contains(listen.substring(listen.lastIndexOf('/') + 1)), "libp2p port exposed");
        }
    }

    @Test
    void nodesStartedWithTheComposeEnvironmentPropagateToEachOther() throws Exception {
        DockerImage image = image();
        Path project = runSetupSteps();
        int next = 2;
        for (String service : compose.services().keySet()) {
            addresses.put(service, "127.0.0." + next++);
        }
        Path composeDirectory = project.resolve(ProjectPaths.root().relativize(compose.directory()));
        resolveNamesInPeersFiles(composeDirectory);

        Map<String, Container> started = new LinkedHashMap<>();
        List<NodeContainer> nodes = new ArrayList<>();
        for (ComposeFile.Service service : compose.services().values()) {
            service.dependsOn().forEach((dependency, condition) -> {
                Container before = started.get(dependency);
                assertNotNull(before, service.name() + " depends on " + dependency + ", which the file names before it");
                if (condition.equals("service_healthy")) {
                    before.awaitHealthy();
                }
            });
            Container container;
            if (service.built()) {
                NodeContainer node = new NodeContainer(service, image, composeDirectory);
                assertNotEquals(0, node.healthcheck(), service.name() + " is not healthy before it runs");
                nodes.add(node);
                container = node;
            } else if (service.image().startsWith("nats:")) {
                container = new NatsContainer(service);
            } else {
                throw new AssertionError("the test does not know how to run " + service.name() + " (" + service.image() + ")");
            }
            container.start();
            started.put(service.name(), container);
        }
        for (NodeContainer node : nodes) {
            node.awaitHealthy();
            NatsContainer nats = (NatsContainer) started.get(node.service.dependsOn().keySet().iterator().next());
            NodeFixture.awaitSubscribed(node.service.name(), nats.monitor());
        }

        assertEquals(2, nodes.size());
        assertPropagates(nodes.get(0), nodes.get(1), "c0ffee00-0000-4000-8000-00000000000a");
        assertPropagates(nodes.get(1), nodes.get(0), "c0ffee00-0000-4000-8000-00000000000b");
    }

    /** A PB_CREATE an app publishes on {@code from}'s NATS arrives on {@code to}'s CREATE_RESOURCE. */
    private void assertPropagates(NodeContainer from, NodeContainer to, String id) throws Exception {
        String resource = "{\"id\":\"" + id + "\",\"name\":\"from-" + from.service.name() + "\"}";
        Connection source = from.natsClient();
        Connection target = to.natsClient();
        Subscription created = target.subscribe("CREATE_RESOURCE");
        target.flush(NodeFixture.WAIT);

        source.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "COMPUTE_RESOURCE", resource, false)
                .getBytes(StandardCharsets.UTF_8));
        source.flush(NodeFixture.WAIT);

        Message message = created.nextMessage(NodeFixture.WAIT);
        assertNotNull(message, () -> "nothing from " + from.service.name() + " on " + to.service.name()
                + "'s CREATE_RESOURCE within " + NodeFixture.WAIT + "\n" + from.service.name() + ":\n"
                + from.process.logTail() + "\n" + to.service.name() + ":\n" + to.process.logTail());
        JsonNode received = json(message);
        assertEquals(APP_NAME, received.path("FromApp").asText(), received::toString);
        assertEquals(json(resource), decodedPayload(received.get("Payload")),
                from.service.name() + "'s event on " + to.service.name() + "'s NATS");
        created.unsubscribe();
    }

    /** The image the node services build (the compose file's build context and Dockerfile). */
    private DockerImage image() {
        Map<String, String> build = nodeServices().get(0).build();
        for (ComposeFile.Service node : nodeServices()) {
            assertEquals(build, node.build(), "every node runs the same image");
        }
        Path context = compose.directory().resolve(build.get("context")).normalize();
        assertEquals(ProjectPaths.root(), context, "built from the project");
        return DockerImage.read(context.resolve(build.get("dockerfile")));
    }

    private List<ComposeFile.Service> nodeServices() {
        return compose.services().values().stream().filter(ComposeFile.Service::built).toList();
    }

    /**
     * Runs the header's steps with {@code sh} in a directory standing for the project, {@code java -jar
     * target/oc-discovery-camel.jar} being the jar's main class on this build's class path; not the build
     * ({@code mvn}: this test runs on it) nor {@code docker} (this test stands in for it).
     */
    private Path runSetupSteps() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        List<String> steps = compose.setupSteps().stream()
                .filter(step -> !step.startsWith("mvn ") && !step.startsWith("docker ")).toList();
        assertFalse(steps.isEmpty(), "the compose file says how to set the nodes up");
        String jar = JavaCommand.of(MAIN, List.of(), List.of()).stream().map(ComposeEnvironmentTest::quoted)
                .collect(Collectors.joining(" "));
        String script = String.join("\n",
                "java() {",
                "  [ \"$1\" = -jar ] && [ \"$2\" = target/" + JAR + " ] || { echo \"not the node's jar: java $*\" >&2; return 2; }",
                "  shift 2",
                "  " + jar + " \"$@\"",
                "}",
                String.join("\n", steps), "");
        Path log = Files.createDirectories(dir.resolve("logs")).resolve("setup.log");
        Process sh = new ProcessBuilder("sh", "-euc", script).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(sh.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS), "set-up steps did not end within " + COMMAND);
        assertEquals(0, sh.exitValue(), () -> "set-up steps failed:\n" + String.join("\n", steps) + "\n" + read(log));
        return project;
    }

    /** Docker's DNS, in the files the nodes read: the peers files name their partners by service name. */
    private void resolveNamesInPeersFiles(Path composeDirectory) throws IOException {
        try (Stream<Path> files = Files.walk(composeDirectory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("peers.json")).toList()) {
                Files.writeString(file, resolveNames(Files.readString(file)));
            }
        }
    }

    /** Service names as host names in {@code value} ({@code nats://nats-a:4222}, {@code /dns4/node-b/...}) as their addresses. */
    private String resolveNames(String value) {
        String resolved = value;
        for (Map.Entry<String, String> service : addresses.entrySet()) {
            String name = Pattern.quote(service.getKey());
            resolved = resolved.replaceAll("/dns[46]?/" + name + "(?=/)", Matcher.quoteReplacement("/ip4/" + service.getValue()))
                    .replaceAll("(?<=//)" + name + "(?=[:/]|$)", Matcher.quoteReplacement(service.getValue()));
        }
        return resolved;
    }

    /** One service run as a process, as Docker would run its container. */
    private abstract class Container {
        final ComposeFile.Service service;
        final String address;
        /** The container's file system: container path {@code /x} is {@code root/x}. */
        final Path root;
        /** The container paths the test models (the image's working directory, the volumes). */
        final List<String> modelled = new ArrayList<>();

        Container(ComposeFile.Service service) {
            this.service = service;
            this.address = addresses.get(service.name());
            try {
                this.root = Files.createDirectories(dir.resolve("containers").resolve(service.name()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        abstract void start() throws IOException;

        abstract void awaitHealthy();

        /** A setting of the compose file as it means here: container paths, service names, 0.0.0.0 and localhost. */
        String forContainer(String value) {
            for (String path : modelled) {
                if (value.equals(path) || value.startsWith(path + "/")) {
                    return inside(value).toString();
                }
            }
            return resolveNames(value).replace("0.0.0.0", address).replace("//localhost", "//" + address);
        }

        Path inside(String containerPath) {
            return root.resolve(containerPath.substring(1));
        }

        Path log(String suffix) {
            return dir.resolve("logs").resolve(service.name() + suffix + ".log");
        }
    }

    /** A nats-server with the service's command on the service's address (the image's own port, 4222). */
    private final class NatsContainer extends Container {
        private Process process;
        private URI health;

        NatsContainer(ComposeFile.Service service) {
            super(service);
        }

        @Override
        void start() throws IOException {
            List<String> options = service.command();
            assertTrue(!options.isEmpty() && options.get(0).startsWith("-"),
                    "the nats image's entrypoint runs nats-server with a command of options: " + options);
            List<String> command = new ArrayList<>(List.of("nats-server", "-a", address)); // it binds 0.0.0.0 there
            options.forEach(option -> command.add(forContainer(option)));
            if (options.contains("-js")) { // JetStream's store in the container's own /tmp
                command.addAll(List.of("-sd", inside("/tmp/nats/jetstream").toString()));
            }
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log("").toFile()).start();
            running.add(() -> {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            });
            String url = service.healthcheck().stream().filter(arg -> URL.matcher(arg).matches()).findFirst()
                    .orElseThrow(() -> new AssertionError(service.name() + "'s healthcheck asks no URL: " + service.healthcheck()));
            health = URI.create(forContainer(url));
        }

        /** The healthcheck's GET, until it answers 200. */
        @Override
        void awaitHealthy() {
            long deadline = System.nanoTime() + HEALTHY.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError(service.name() + " exited:\n" + read(log("")));
                }
                try {
                    if (HTTP.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                NodeFixture.sleep(Duration.ofMillis(100));
            }
            throw new AssertionError(service.name() + " not healthy (" + health + ") within " + HEALTHY + ":\n" + read(log("")));
        }

        /** The monitoring endpoint the healthcheck asks. */
        URI monitor() {
            return health.resolve("/");
        }
    }

    /** A node: the image's entrypoint and command in its working directory, with the image's and the service's environment. */
    private final class NodeContainer extends Container {
        private final DockerImage image;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private NodeProcess process;
        private Connection nats;

        NodeContainer(ComposeFile.Service service, DockerImage image, Path composeDirectory) throws IOException {
            super(service);
            this.image = image;
            Path workdir = Files.createDirectories(inside(image.workdir()));
            modelled.add(image.workdir());
            for (DockerImage.Copy copy : image.copies()) {
                if (copy.from() == null) { // from the build context (the project); --from=build: the jar, stood in for
                    for (String source : copy.sources()) {
                        copyTree(ProjectPaths.root().resolve(source), workdir.resolve(copy.destination()));
                    }
                }
            }
            for (ComposeFile.Volume volume : service.volumes()) {
                Path source = volume.bind() ? composeDirectory.resolve(volume.source()).normalize()
                        : Files.createDirectories(dir.resolve("volumes").resolve(volume.source()));
                assertTrue(Files.exists(source), volume.source() + " of " + service.name() + ": the set-up steps make it");
                if (volume.readOnly()) {
                    readOnly(source);
                }
                Path target = inside(volume.target());
                Files.deleteIfExists(target);
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(target, source);
                modelled.add(volume.target());
            }
            // the image's ENV, then the service's, which beats it
            image.environment().forEach((key, value) -> environment.put(key, forContainer(value)));
            service.environment().forEach((key, value) -> environment.put(key, forContainer(value)));
            // the container's own network: the management server binds 0.0.0.0 there by the image's defaults
            environment.putIfAbsent("CAMEL_MANAGEMENT_HOST", address);
        }

        @Override
        void start() {
            List<String> entrypoint = new ArrayList<>(image.entrypoint());
            entrypoint.addAll(image.cmd());
            process = new NodeProcess(service.name(), inside(image.workdir()), List.of(), environment, log(""),
                    jarArguments(entrypoint));
            running.add(process);
        }

        /** Ready (the readiness report), with the settings of the file, and healthy by its healthcheck. */
        @Override
        void awaitHealthy() {
            JsonNode ready = process.awaitReady();
            JsonNode libp2p = NodeProcess.check(ready, "libp2p-host").path("data");
            Path key = Path.of(environment.get("CAMEL_COMPONENT_LIBP2P_IDENTITYKEYFILE"));
            assertEquals(KeyFiles.readIdentity(key).peerId().toString(), libp2p.path("peerId").asText(), ready::toString);
            assertEquals("[" + environment.get("CAMEL_COMPONENT_LIBP2P_LISTENADDRESSES") + "]",
                    libp2p.path("listenAddresses").asText(), ready::toString);
            assertTrue(libp2p.path("privateNetwork").asBoolean(), () -> "inside the swarm.key's network: " + ready);
            assertEquals(0, healthcheck(), () -> service.name() + "'s healthcheck failed:\n" + read(log("-health")));
        }

        /** The service's healthcheck command, run in the container; its exit code. */
        int healthcheck() {
            List<String> test = service.healthcheck();
            assertEquals("CMD", test.get(0), service.name() + "'s healthcheck runs a command: " + test);
            ProcessBuilder builder = new ProcessBuilder(JavaCommand.of(MAIN, List.of(), jarArguments(test.subList(1, test.size()))))
                    .directory(inside(image.workdir()).toFile())
                    .redirectErrorStream(true).redirectOutput(log("-health").toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("OC_") || name.startsWith("CAMEL_"));
            builder.environment().putAll(environment);
            try {
                Process probe = builder.start();
                if (!probe.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
                    probe.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(service.name() + "'s healthcheck did not end within " + COMMAND);
                }
                return probe.exitValue();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** {@code java -jar <the image's jar> ARGS...}: ARGS, for the jar's main class. */
        private List<String> jarArguments(List<String> command) {
            assertEquals(List.of("java", "-jar"), command.subList(0, 2), "runs the jar: " + command);
            Path jar = Path.of(image.workdir()).resolve(command.get(2));
            assertEquals(Path.of(image.workdir(), JAR), jar, "the jar the image holds: " + command);
            assertTrue(image.copies().stream().anyMatch(copy -> copy.destination().equals("./")
                    && copy.sources().stream().anyMatch(source -> source.endsWith("/" + JAR))), "the image copies " + JAR);
            return command.subList(3, command.size());
        }

        /** The test's client on the node's NATS (the one its environment names). */
        Connection natsClient() throws IOException, InterruptedException {
            if (nats == null) {
                nats = Nats.connect(new Options.Builder().server(environment.get("OC_NATS_SERVERS"))
                        .connectionName(NodeFixture.TEST_CLIENT).build());
                running.add(nats);
            }
            return nats;
        }
    }

    /** What a {@code :ro} mount gives: nothing in it can be written (by a user other than root, whom modes do not stop). */
    private static void readOnly(Path source) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                permissions.removeAll(Set.of(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.OTHERS_WRITE));
                Files.setPosixFilePermissions(path, permissions);
            }
        }
    }

    private static void copyTree(Path source, Path destination) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path target = destination.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no " + log + ")";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
