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
import org.opencloud.discovery.p2p.protocol.kad.KadConfig;
import org.opencloud.discovery.p2p.protocol.kad.KadDht;
import org.opencloud.discovery.p2p.protocol.kad.RecordValidator;
import org.opencloud.discovery.p2p.record.InvalidRecordException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our DHT and js-libp2p's {@code @libp2p/kad-dht} on {@code /oc/kad/1.0.0}: records and peers found both ways. */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class KadDhtInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Any non-empty value under {@code /node/}, the first of several winning: what dht-peer.mjs accepts. */
    private static final RecordValidator ANY_NODE_VALUE = new RecordValidator() {
        @Override
        public void validate(String key, byte[] value) {
            if (value.length == 0) {
                throw new InvalidRecordException("empty value under " + key);
            }
        }

        @Override
        public int select(String key, List<byte[]> values) {
            return 0;
        }
    };

    private final List<Host> hosts = new ArrayList<>();
    private final List<KadDht> dhts = new ArrayList<>();
    private final List<JsPeer> jsPeers = new ArrayList<>();

    @BeforeEach
    void install() {
        JsPeer.install();
    }

    @AfterEach
    void stop() {
        jsPeers.forEach(JsPeer::close);
        dhts.forEach(KadDht::close);
        hosts.forEach(Host::close);
    }

    private KadDht javaDht() {
        Host h = new Host(HostConfig.withIdentity(PrivateKey.generate()).listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0")));
        hosts.add(h.start());
        KadDht dht = KadDht.install(h, StandardProtocols.install(h), new KadConfig().validator("node", ANY_NODE_VALUE)
                .refreshInterval(Duration.ZERO));
        dhts.add(dht);
        return dht;
    }

    private JsPeer jsDht() {
        JsPeer js = JsPeer.start("dht-peer.mjs", List.of());
        jsPeers.add(js);
        return js;
    }

    private static Multiaddr addressOf(Host h) {
        return h.listenAddresses().get(0).withPeerId(h.peerId());
    }

    /** Sends a dht-peer.mjs command and waits for its one answer, {@code event} or an error. */
    private static JsonNode ask(JsPeer js, Map<String, ?> command, String event) {
        js.send(command);
        JsonNode outcome = js.awaitEvent(e -> event.equals(e.path("event").asText())
                || "error".equals(e.path("event").asText()), WAIT);
        assertEquals(event, outcome.path("event").asText(), outcome::toString);
        return outcome;
    }

    /** Asks until {@code done} accepts the answer (a routing table fills in the background after a dial). */
    private static JsonNode askUntil(JsPeer js, Map<String, ?> command, String event,
                                     Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode answer = ask(js, command, event);
        while (!done.test(answer) && System.nanoTime() < deadline) {
            Thread.sleep(300);
            answer = ask(js, command, event);
        }
        return answer;
    }

    @Test
    void jsGetsTheRecordWePutAndWeGetTheOneJsPut() throws Exception {
        KadDht ours = javaDht();
        Host host = hosts.get(0);
        JsPeer js = jsDht();
        ours.bootstrap(List.of(Multiaddr.of(js.addrs().get(0)))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, ours.tableSize());

        byte[] ourValue = "record of our node".getBytes(StandardCharsets.UTF_8);
        String ourKey = "/node/" + host.peerId();
        assertTrue(ours.putValue(ourKey, ourValue).get(WAIT.toSeconds(), TimeUnit.SECONDS) >= 1, "js took it");
        JsonNode got = ask(js, Map.of("cmd", "get", "key", ourKey), "got");
        assertArrayEquals(ourValue, Base64.getDecoder().decode(got.path("value").asText()));

        byte[] jsValue = "record of the js node".getBytes(StandardCharsets.UTF_8);
        String jsKey = "/node/" + js.peerId();
        JsonNode put = askUntil(js, Map.of("cmd", "put", "key", jsKey,
                "value", Base64.getEncoder().encodeToString(jsValue)), "put", p -> p.path("ok").asBoolean());
        assertTrue(put.path("ok").asBoolean(), put::toString);
        assertEquals(2, ours.storedRecords(), "ours and the one js put to us");
        assertArrayEquals(jsValue, ours.getValue(jsKey).get(WAIT.toSeconds(), TimeUnit.SECONDS).orElseThrow());
    }

    @Test
    void jsFindsAPeerOnlyWeKnowAndWeFindAPeerOnlyJsKnows() throws Exception {
        KadDht ours = javaDht();
        Host host = hosts.get(0);
        JsPeer js = jsDht();
        ours.bootstrap(List.of(Multiaddr.of(js.addrs().get(0)))).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        javaDht(); // known to our host only: it connects to us, nobody else
        Host onlyOurs = hosts.get(1);
        onlyOurs.connect(addressOf(host)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        JsonNode found = askUntil(js, Map.of("cmd", "findPeer", "id", onlyOurs.peerId().toString()), "found",
                f -> f.path("addrs").isArray());
        assertTrue(found.path("addrs").toString().contains(onlyOurs.listenAddresses().get(0).toString()), found::toString);

        JsPeer onlyJs = jsDht(); // known to the first js peer only
        ask(onlyJs, Map.of("cmd", "dial", "to", js.addrs().get(0)), "dialed");
        PeerId target = PeerId.fromString(onlyJs.peerId());
        assertFalse(host.connectedPeers().contains(target));
        Optional<List<Multiaddr>> addrs = Optional.empty();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (addrs.isEmpty() && System.nanoTime() < deadline) {
            addrs = ours.findPeer(target).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            Thread.sleep(addrs.isEmpty() ? 300 : 0);
        }
        assertEquals(Multiaddr.of(onlyJs.addrs().get(0)).withoutPeerId(), addrs.orElseThrow().get(0));
    }
}
