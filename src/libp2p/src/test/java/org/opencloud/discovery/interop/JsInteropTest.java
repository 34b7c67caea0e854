package org.opencloud.discovery.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.interop.Interop.CREATE;
import static org.opencloud.discovery.interop.Interop.ECHO;
import static org.opencloud.discovery.interop.Interop.MESSAGE;
import static org.opencloud.discovery.interop.Interop.TIMEOUT;
import static org.opencloud.discovery.interop.Interop.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Connection;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.pnet.SwarmKey;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.identify.IdentifyService;
import org.opencloud.discovery.p2p.protocol.identify.PeerInfo;
import org.opencloud.discovery.p2p.protocol.ping.PingService;

/**
 * Our host against a real js-libp2p peer (peer.mjs), both directions, on the open network and in a
 * private network whose swarm.key was written by js (gen-psk.mjs) or by us ({@link SwarmKey}).
 */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class JsInteropTest {
    private static final int STREAMS = 100;

    enum Network { OPEN, PSK_WRITTEN_BY_JS, PSK_WRITTEN_BY_JAVA }

    /** A message our {@link Interop#CREATE} handler read to its end, with the connection it came on. */
    private record Received(PeerId from, Connection connection, byte[] data) {
    }

    @TempDir
    Path dir;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Host java;
    private IdentifyService identify;
    private JsPeer js;

    @BeforeEach
    void install() {
        JsPeer.install();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** Starts our host and a js peer handling CREATE and echoing ECHO, both in {@code network}. */
    private void start(Network network) {
        Path swarmKey = dir.resolve("swarm.key");
        SwarmKey psk = switch (network) {
            case OPEN -> null;
            case PSK_WRITTEN_BY_JS -> {
                JsPeer.genPsk(swarmKey);
                yield SwarmKey.read(swarmKey);
            }
            case PSK_WRITTEN_BY_JAVA -> {
                SwarmKey generated = SwarmKey.generate();
                generated.write(swarmKey);
                yield generated;
            }
        };
        java = startJavaHost(psk);
        JsPeer.PeerOptions options = JsPeer.peer().handle(CREATE).echo(ECHO);
        js = track(psk == null ? options.start() : options.psk(swarmKey).start());
    }

    private Host startJavaHost(SwarmKey psk) {
        Host host = new Host(Interop.config(psk));
        identify = StandardProtocols.install(host);
        Interop.serveEcho(host);
        host.handle(CREATE, s -> s.readToEnd(Interop.MAX_ECHO).thenAccept(bytes -> {
            received.add(new Received(s.remotePeer(), s.connection(), bytes));
            s.closeWrite();
        }));
        return track(host.start());
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private Multiaddr jsAddress() {
        return Multiaddr.of(js.addrs().get(0));
    }

    private String javaAddress() {
        return Interop.addressOf(java).toString();
    }

    private Received nextReceived() throws InterruptedException {
        Received r = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("our host received nothing on " + CREATE + " within " + TIMEOUT);
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void messageArrivesByteExactBothWays(Network network) throws Exception {
        start(network);
        byte[] message = MESSAGE.getBytes(StandardCharsets.UTF_8);

        Stream out = await(java.newStream(jsAddress(), List.of(CREATE)));
        out.write(Unpooled.wrappedBuffer(message));
        out.closeWrite();
        JsonNode recv = js.awaitEvent("recv", TIMEOUT);
        assertEquals(CREATE, recv.path("protocol").asText());
        assertEquals(java.peerId().toString(), recv.path("from").asText());
        assertEquals(message.length, recv.path("bytes").asInt());
        assertEquals(MESSAGE, recv.path("data").asText());

        js.command(Map.of("cmd", "send", "to", javaAddress(), "protocol", CREATE, "data", MESSAGE), TIMEOUT);
        Received in = nextReceived();
        assertEquals(js.peerId(), in.from().toString());
        assertArrayEquals(message, in.data(), () -> "received " + new String(in.data(), StandardCharsets.UTF_8));
    }

    /**
     * Our lazy dialer (data right behind the proposal, FIN after js's echo) against js's listener, with
     * handlers that read by iterating and by reading to the end, and js refusing a protocol.
     */
    @ParameterizedTest
    @EnumSource(value = Network.class, names = {"OPEN", "PSK_WRITTEN_BY_JAVA"})
    void lazyStreamsToJsAnswerOrFailClearly(Network network) {
        start(network);
        Connection connection = await(java.connect(jsAddress()));
        byte[] message = MESSAGE.getBytes(StandardCharsets.UTF_8);

        Stream echo = await(connection.newLazyStream(ECHO));
        echo.write(Unpooled.wrappedBuffer(message));
        echo.closeWrite();
        assertArrayEquals(message, await(echo.readToEnd(Interop.MAX_ECHO)), "js echoed what followed our proposal");
        assertEquals(message.length, js.awaitEvent("echoed", TIMEOUT).path("bytes").asInt());

        Stream create = await(connection.newLazyStream(CREATE));
        create.write(Unpooled.wrappedBuffer(message));
        create.closeWrite();
        JsonNode recv = js.awaitEvent("recv", TIMEOUT);
        assertEquals(CREATE, recv.path("protocol").asText());
        assertEquals(MESSAGE, recv.path("data").asText());
        assertEquals(0, await(create.readToEnd(Interop.MAX_ECHO)).length);

        Stream refused = await(connection.newLazyStream("/nope/1.0"));
        refused.write(Unpooled.wrappedBuffer(message));
        refused.closeWrite();
        Throwable failure = Interop.failure(refused.readToEnd(Interop.MAX_ECHO));
        assertEquals("cannot open /nope/1.0 with " + js.peerId() + ": protocol not supported: [/nope/1.0]",
                failure.getMessage());
        assertTrue(connection.isOpen(), "the connection survives the refused stream");
        Interop.assertEchoes(java, jsAddress());
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void fourMebibyteEchoComesBackIntactBothWays(Network network) {
        start(network);
        byte[] bulk = new byte[4 << 20];
        new Random(42).nextBytes(bulk);
        assertArrayEquals(bulk, Interop.echo(java, jsAddress(), bulk), "js echo of 4 MiB");
        assertEquals(bulk.length, js.awaitEvent("echoed", TIMEOUT).path("bytes").asInt());

        // peer.mjs sends text: 4 MiB of printable ASCII, so each char is one byte on the wire
        StringBuilder text = new StringBuilder(4 << 20);
        Random random = new Random(43);
        while (text.length() < 4 << 20) {
            text.append((char) (' ' + random.nextInt(95)));
        }
        JsonNode sent = js.command(Map.of("cmd", "send", "to", javaAddress(), "protocol", ECHO,
                "data", text.toString(), "read", true), TIMEOUT);
        assertEquals(4 << 20, sent.path("bytes").asInt());
        assertTrue(text.toString().equals(sent.path("reply").asText()),
                "our echo of 4 MiB from js differs (got " + sent.path("reply").asText().length() + " chars)");
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void hundredConcurrentStreamsShareOneConnectionBothWays(Network network) throws Exception {
        start(network);
        Connection connection = await(java.connect(jsAddress()));
        Set<String> expected = new HashSet<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            String message = "java→js stream " + i + " ✓";
            expected.add(message);
            writes.add(connection.newStream(List.of(CREATE)).thenAccept(s -> {
                s.write(Unpooled.wrappedBuffer(message.getBytes(StandardCharsets.UTF_8)));
                s.closeWrite();
            }));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Set<String> arrived = new HashSet<>();
        Set<String> jsConnections = new HashSet<>();
        for (int i = 0; i < STREAMS; i++) {
            JsonNode recv = js.awaitEvent("recv", TIMEOUT);
            assertEquals(java.peerId().toString(), recv.path("from").asText());
            arrived.add(recv.path("data").asText());
            jsConnections.add(recv.path("connection").asText());
        }
        assertEquals(expected, arrived);
        assertEquals(1, jsConnections.size(), "js saw the streams on connections " + jsConnections);
        assertEquals(1, java.connections().size(), java.connections().toString());

        List<String> messages = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            messages.add("js→java stream " + i + " ✓");
        }
        JsonNode sent = js.command(Map.of("cmd", "sendMany", "to", javaAddress(), "protocol", CREATE,
                "messages", messages), TIMEOUT);
        assertEquals(STREAMS, sent.path("count").asInt());
        assertEquals(1, sent.path("openConnections").asInt(), sent::toString);
        Set<String> fromJs = new HashSet<>();
        Set<Connection> ourConnections = new HashSet<>();
        for (int i = 0; i < STREAMS; i++) {
            Received in = nextReceived();
            fromJs.add(new String(in.data(), StandardCharsets.UTF_8));
            ourConnections.add(in.connection());
        }
        assertEquals(new HashSet<>(messages), fromJs);
        assertEquals(1, ourConnections.size(), "streams from js came on " + ourConnections);
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void pingWorksBothWays(Network network) {
        start(network);
        Connection connection = await(java.connect(jsAddress()));
        Duration rtt = await(PingService.ping(connection));
        assertTrue(rtt.compareTo(Duration.ZERO) > 0 && rtt.compareTo(Duration.ofSeconds(5)) < 0, "rtt " + rtt);

        JsonNode ping = js.command(Map.of("cmd", "ping", "to", javaAddress()), TIMEOUT);
        assertTrue(ping.path("ms").asDouble() >= 0 && ping.path("totalMs").asDouble() > 0, ping::toString);
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void identifyTellsEachSideTheOthersProtocolsAndAgent(Network network) {
        start(network);
        Connection connection = await(java.connect(jsAddress()));
        assertJsKnowsUs();
        PeerInfo jsInfo = await(identify.identify(connection));
        assertTrue(jsInfo.protocols().containsAll(List.of(CREATE, ECHO, IdentifyService.PROTOCOL, PingService.PROTOCOL)),
                jsInfo.protocols().toString());
        assertTrue(jsInfo.agentVersion().contains("libp2p"), jsInfo.agentVersion());
        assertEquals(jsInfo.listenAddresses(), jsInfo.certifiedAddresses(), "js's signed peer record, checked");

        // js dials: our host identifies the inbound peer on its own
        js.close();
        open.remove(js);
        java.close();
        open.remove(java);
        java = startJavaHost(network == Network.OPEN ? null : SwarmKey.read(dir.resolve("swarm.key")));
        JsPeer.PeerOptions options = JsPeer.peer().handle(CREATE).echo(ECHO);
        js = track(network == Network.OPEN ? options.start() : options.psk(dir.resolve("swarm.key")).start());
        js.command(Map.of("cmd", "send", "to", javaAddress(), "protocol", CREATE, "data", "hello"), TIMEOUT);
        assertJsKnowsUs();
        PeerId jsPeer = PeerId.fromString(js.peerId());
        Interop.awaitTrue(TIMEOUT, "our host identified the js peer that dialled it", () -> identify.peer(jsPeer) != null);
        assertTrue(identify.peer(jsPeer).protocols().contains(CREATE), identify.peer(jsPeer).toString());
    }

    private void assertJsKnowsUs() {
        JsonNode info = js.command(Map.of("cmd", "peerInfo", "peer", java.peerId().toString()), TIMEOUT);
        List<String> protocols = new ArrayList<>();
        info.path("protocols").forEach(p -> protocols.add(p.asText()));
        assertTrue(protocols.containsAll(List.of(IdentifyService.PROTOCOL, PingService.PROTOCOL, CREATE, ECHO)),
                "js knows our protocols as " + protocols);
        assertTrue(info.path("agentVersion").asText().startsWith("oc-discovery-camel/"), info::toString);
        List<String> certified = new ArrayList<>();
        info.path("certifiedAddrs").forEach(a -> certified.add(a.asText()));
        assertEquals(java.advertisedAddresses().stream().map(Multiaddr::toString).toList(), certified,
                "js checked our signed peer record and kept its addresses");
    }

    /** Which side lacks the right pre-shared key. */
    enum KeyMismatch { JS_HAS_ANOTHER_KEY, JS_HAS_NO_KEY, JAVA_HAS_NO_KEY }

    @ParameterizedTest
    @EnumSource(KeyMismatch.class)
    void wrongOrMissingPreSharedKeyMakesNoConnectionAndSaysWhy(KeyMismatch mismatch) {
        Path jsKey = dir.resolve("js-swarm.key");
        SwarmKey javaKey = mismatch == KeyMismatch.JAVA_HAS_NO_KEY ? null : SwarmKey.generate();
        java = startJavaHost(javaKey);
        JsPeer.PeerOptions options = JsPeer.peer().handle(CREATE);
        if (mismatch != KeyMismatch.JS_HAS_NO_KEY) {
            JsPeer.genPsk(jsKey);
            options.psk(jsKey);
        }
        js = track(options.start());
        // without a key of its own our host cannot tell a private-network peer from garbage (or a silent one)
        String reason = javaKey != null ? ".*PSK mismatch likely.*" : ".*(multistream message|timed out|reset|closed).*";
        try (CapturedLog log = CapturedLog.capture()) {
            long failedBefore = java.failedUpgrades();
            Throwable dial = Interop.failure(java.connect(jsAddress()));
            log.await(TIMEOUT, "outbound connection to " + jsAddress(), "failed at security negotiation");
            assertTrue(dial.getMessage().matches(reason), "dial failure: " + dial.getMessage());

            js.send(Map.of("cmd", "send", "to", javaAddress(), "protocol", CREATE, "data", MESSAGE, "timeoutMs", 8000));
            JsonNode outcome = js.awaitEvent(e -> e.path("event").asText().matches("sent|error"), TIMEOUT);
            assertEquals("error", outcome.path("event").asText(), outcome::toString);
            String inbound = log.await(TIMEOUT, "inbound connection from", "failed at security negotiation");
            assertTrue(inbound.matches(reason), inbound);
            assertTrue(java.failedUpgrades() >= failedBefore + 2, "failed upgrades " + java.failedUpgrades());
            assertTrue(java.connections().isEmpty(), java.connections().toString());
            assertTrue(received.isEmpty());
        }
    }

    @Test
    void dialToTheRightAddressWithAnotherPeerIdFails() {
        start(Network.OPEN);
        PeerId other = PrivateKey.generate().peerId();
        Multiaddr wrong = Multiaddr.of(js.addrs().get(0).replace(js.peerId(), other.toString()));
        try (CapturedLog log = CapturedLog.capture()) {
            Throwable failure = Interop.failure(java.connect(wrong));
            assertTrue(failure.getMessage().contains("peer id mismatch"), failure.getMessage());
            log.await(TIMEOUT, "peer id mismatch", other.toString());
        }
        assertTrue(java.connections().isEmpty(), java.connections().toString());
        Connection right = await(java.connect(jsAddress()));
        assertEquals(js.peerId(), right.remotePeer().toString());
    }
}
