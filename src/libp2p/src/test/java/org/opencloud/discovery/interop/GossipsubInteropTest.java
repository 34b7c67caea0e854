package org.opencloud.discovery.interop;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.pubsub.GossipConfig;
import org.opencloud.discovery.p2p.protocol.pubsub.Gossipsub;
import org.opencloud.discovery.p2p.protocol.pubsub.PubsubMessage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our gossipsub and js-libp2p's {@code @libp2p/gossipsub} 17.1.1 on one topic, signed messages both ways and relayed. */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class GossipsubInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOPIC = "search";

    private record JavaNode(Host host, Gossipsub pubsub, List<PubsubMessage> received) {
        boolean got(String data, PeerId from) {
            return received.stream().anyMatch(m -> m.from().equals(from)
                    && new String(m.data(), StandardCharsets.UTF_8).equals(data));
        }
    }

    private final List<Host> hosts = new ArrayList<>();
    private final List<Gossipsub> pubsubs = new ArrayList<>();
    private final List<JsPeer> jsPeers = new ArrayList<>();

    @BeforeEach
    void install() {
        JsPeer.install();
    }

    @AfterEach
    void stop() {
        jsPeers.forEach(JsPeer::close);
        pubsubs.forEach(Gossipsub::close);
        hosts.forEach(Host::close);
    }

    private JavaNode javaNode() {
        Host h = new Host(HostConfig.withIdentity(PrivateKey.generate()).listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")));
        hosts.add(h.start());
        Gossipsub g = Gossipsub.install(h, StandardProtocols.install(h), new GossipConfig());
        pubsubs.add(g);
        List<PubsubMessage> received = new CopyOnWriteArrayList<>();
        g.subscribe(TOPIC, received::add);
        return new JavaNode(h, g, received);
    }

    private JsPeer jsNode() {
        JsPeer js = JsPeer.start("dht-peer.mjs", List.of("--topic", TOPIC));
        jsPeers.add(js);
        return js;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + WAIT + ": " + what);
            Thread.sleep(50);
        }
    }

    /** Waits until js and we have each other in our meshes of the topic (GRAFTs accepted both ways). */
    private static void awaitMesh(JavaNode ours, JsPeer js) throws InterruptedException {
        PeerId jsId = PeerId.fromString(js.peerId());
        await("js in our mesh", () -> ours.pubsub().meshPeers(TOPIC).contains(jsId));
        await("we are in js's mesh", () -> js.command(Map.of("cmd", "mesh", "topic", TOPIC), WAIT)
                .path("peers").toString().contains(ours.host().peerId().toString()));
    }

    private static JsonNode awaitJsMessage(JsPeer js, String data) {
        return js.awaitEvent(e -> "message".equals(e.path("event").asText()) && data.equals(e.path("data").asText()), WAIT);
    }

    @Test
    void jsSeesOurSignedMessageAndWeSeeItsMessages() throws Exception {
        JavaNode ours = javaNode();
        JsPeer js = jsNode();
        ours.host().connect(Multiaddr.of(js.addrs().get(0))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        awaitMesh(ours, js);

        assertEquals(1, ours.pubsub().publish(TOPIC, "from java".getBytes(StandardCharsets.UTF_8))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS));
        JsonNode seen = awaitJsMessage(js, "from java");
        assertEquals(TOPIC, seen.path("topic").asText());
        assertEquals(ours.host().peerId().toString(), seen.path("from").asText(), "js checked our signature and author");

        js.send(Map.of("cmd", "publish", "topic", TOPIC, "data", "from js"));
        JsonNode published = js.awaitEvent(e -> e.path("event").asText().matches("published|error"), WAIT);
        assertEquals(1, published.path("recipients").asInt(), published::toString);
        PeerId jsId = PeerId.fromString(js.peerId());
        await("we received js's message", () -> ours.got("from js", jsId));
        assertEquals(0, ours.pubsub().stats().invalid(), "js's key-carrying signed message passed StrictSign");
    }

    @Test
    void messagesCrossAJsRelayBetweenTwoJavaNodesThatNeverMet() throws Exception {
        JavaNode a = javaNode();
        JavaNode b = javaNode();
        JsPeer js = jsNode();
        a.host().connect(Multiaddr.of(js.addrs().get(0))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        b.host().connect(Multiaddr.of(js.addrs().get(0))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        awaitMesh(a, js);
        awaitMesh(b, js);
        assertFalse(a.host().connectedPeers().contains(b.host().peerId()), "A and B never met");

        long t0 = System.nanoTime();
        a.pubsub().publish(TOPIC, "java to js to java".getBytes(StandardCharsets.UTF_8)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await("B received A's message through js", () -> b.got("java to js to java", a.host().peerId()));
        System.out.printf("gossipsub: Java -> js -> Java in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        PubsubMessage relayed = b.received().get(0);
        assertEquals(PeerId.fromString(js.peerId()), relayed.receivedFrom(), "js relayed it, A's signature intact");
        awaitJsMessage(js, "java to js to java");

        b.pubsub().publish(TOPIC, "and back".getBytes(StandardCharsets.UTF_8)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await("A received B's answer through js", () -> a.got("and back", b.host().peerId()));
    }
}
