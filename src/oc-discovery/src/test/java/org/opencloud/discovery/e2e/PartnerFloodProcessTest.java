package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.interop.ProjectPaths;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.pnet.SwarmKey;
import org.opencloud.discovery.p2p.rcmgr.ResourceLimits;
import org.opencloud.discovery.p2p.rcmgr.ScopeLimit;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.interop.Interop.addressOf;
import static org.opencloud.discovery.interop.Interop.await;
import static org.opencloud.discovery.interop.Interop.awaitTrue;

/**
 * Issue 10, item 2 (the resource manager): a partner, whom the stream gate admits, pre-buffers 200 unfinished
 * creates of 4 MiB each against a node running as its own process (with its direct memory capped at 256 MiB,
 * where the issue saw OutOfMemoryError after 100 such streams). The node reserves each stream's window before
 * reading it: it holds at most the partner's budget (32 MiB) of its bytes, resets the streams beyond, stalls
 * the rest, and another partner's 1 MiB event is delivered during the attack. The node's RSS, heap, direct
 * memory, threads and file descriptors are read from outside, before, during and after.
 */
class PartnerFloodProcessTest {
    private static final String CREATE = "/opencloud/resource/create/1.0";
    private static final int STREAMS = 200;
    private static final int BYTES_PER_STREAM = 4 << 20;
    private static final long HOST_BUDGET = ResourceLimits.defaults().host().memory();
    private static final long PEER_BUDGET = ResourceLimits.defaults().peer().memory();
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    @TempDir
    Path dir;
    private final List<Host> partners = new ArrayList<>();

    @Test
    void aPartnerPreBufferingUnfinishedStreamsIsHeldToItsBudgetAndAnotherPartnerDelivers() throws Exception {
        SwarmKey psk = SwarmKey.generate();
        psk.write(dir.resolve("swarm.key"));
        PrivateKey nodeKey = PrivateKey.generate();
        KeyFiles.writePrivate(dir.resolve("node.key"), nodeKey.toProtobuf());
        Host attacker = partner(psk);
        Host witness = partner(psk);
        Files.writeString(dir.resolve("peers.json"), NodeFixture.JSON.createArrayNode()
                .add(peerJson(attacker.peerId().toString(), addressOf(attacker).toString(), "PARTNER"))
                .add(peerJson(witness.peerId().toString(), addressOf(witness).toString(), "PARTNER")).toString());
        int p2pPort = NodeFixture.freePort();
        Multiaddr nodeAddress = Multiaddr.of("/ip4/127.0.0.1/tcp/" + p2pPort).withPeerId(nodeKey.peerId());

        try (NatsServerRunner nats = NatsServerRunners.builder().configInserts(List.of("max_payload: 8MB"))
                     .outputLevel(Level.WARNING).build();
             NodeProcess node = new NodeProcess("flooded-node", ProjectPaths.root(),
                     List.of("-XX:NativeMemoryTracking=summary", "-XX:MaxDirectMemorySize=256m"),
                     environment(nats.getURI(), p2pPort), dir.resolve("node.log"), List.of("run"));
             Connection client = Nats.connect(nats.getURI())) {
            node.awaitReady();
            Subscription created = client.subscribe("CREATE_RESOURCE");
            client.flush(Duration.ofSeconds(5));
            ProcessSnapshot before = ProcessSnapshot.take(node.pid());

            List<Future<Void>> writes = new ArrayList<>();
            int reset = flood(attacker, nodeAddress, writes);
            awaitTrue(TIMEOUT, "the attacker's streams hold its budget on the node",
                    () -> metric(node, "oc_libp2p_memory_reserved_bytes") > PEER_BUDGET - (256 << 10));
            ProcessSnapshot during = ProcessSnapshot.take(node.pid());

            String blob = "x".repeat(1 << 20);
            deliver(witness, nodeAddress, "{\"type\":\"PB_CREATE\",\"from\":\"" + witness.peerId()
                    + "\",\"datatype\":\"DATA_RESOURCE\",\"payload\":{\"id\":\"during-the-flood\",\"blob\":\"" + blob + "\"}}");
            io.nats.client.Message message = created.nextMessage(TIMEOUT);
            assertNotNull(message, "the witness's event on CREATE_RESOURCE");
            JsonNode delivered = decodedPayload(json(message).get("Payload"));
            assertEquals("during-the-flood", delivered.get("id").asText());
            assertEquals(blob.length(), delivered.get("blob").asText().length(), "the witness's 1 MiB event whole");
            ProcessSnapshot afterEvent = ProcessSnapshot.take(node.pid());

            double reserved = metric(node, "oc_libp2p_memory_reserved_bytes");
            // the attacker's one connection refuses first (its budget is the peer's)
            double refusals = metric(node, "oc_libp2p_resource_refusals_total{resource=\"memory\",scope=\"connection\"}")
                    + metric(node, "oc_libp2p_resource_refusals_total{resource=\"memory\",scope=\"peer\"}");
            assertTrue(writes.stream().noneMatch(Future::isSuccess), "the attacker's 4 MiB writes wait for credit");
            attacker.close();
            awaitTrue(TIMEOUT, "what the attacker held is released",
                    () -> metric(node, "oc_libp2p_memory_reserved_bytes") == 0);
            ProcessSnapshot after = ProcessSnapshot.take(node.pid());
            System.out.printf("%d of %d streams admitted, %d reset at open; %.0f bytes reserved, %.0f memory"
                            + " refusals%nbefore      %s%nduring      %s%nafter event %s%nafter close %s%n",
                    writes.size(), STREAMS, reset, reserved, refusals, before, during, afterEvent, after);

            assertTrue(reset > 0 && writes.size() <= PEER_BUDGET / (256 << 10),
                    writes.size() + " streams admitted: each holds a 256 KiB window");
            assertTrue(reserved <= HOST_BUDGET, reserved + " bytes reserved");
            assertTrue(refusals >= reset, refusals + " refusals");
            assertTrue((during.rssKib() - before.rssKib()) << 10 < HOST_BUDGET, "RSS grew from " + before + " to " + during);
            assertTrue((afterEvent.directKib() - before.directKib()) << 10 < HOST_BUDGET,
                    "direct memory grew from " + before + " to " + afterEvent);
            assertTrue((afterEvent.heapAfterGcKib() - before.heapAfterGcKib()) << 10 < HOST_BUDGET,
                    "heap grew from " + before + " to " + afterEvent);
        } finally {
            partners.forEach(Host::close);
        }
    }

    /** Opens {@link #STREAMS} creates and writes 4 MiB on each one the node admits, never ending them; the count reset. */
    private static int flood(Host attacker, Multiaddr node, List<Future<Void>> writes) {
        byte[] body = new byte[BYTES_PER_STREAM]; // shared: the attacker's writes wrap it, they do not copy it
        List<CompletableFuture<Stream>> opens = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            opens.add(attacker.newStream(node, List.of(CREATE)));
        }
        int reset = 0;
        for (CompletableFuture<Stream> open : opens) {
            Stream stream = open.handle((s, e) -> s).join();
            if (stream == null) {
                reset++;
            } else {
                writes.add(stream.write(Unpooled.wrappedBuffer(body)));
            }
        }
        return reset;
    }

    /** Sends one event as a producer does: the message, the end of the stream, then the node's close. */
    private static void deliver(Host from, Multiaddr node, String event) {
        Stream stream = await(from.newStream(node, List.of(CREATE)));
        stream.write(Unpooled.wrappedBuffer((event + "\n").getBytes(StandardCharsets.UTF_8)));
        stream.closeWrite();
        await(stream.readToEnd(1 << 20));
    }

    /** A partner host in the test's JVM; its own limits leave it room to open all its streams. */
    private Host partner(SwarmKey psk) {
        ScopeLimit roomy = new ScopeLimit(1000, 1000, 1000, 1000, 1L << 30);
        Host host = new Host(HostConfig.withIdentity(PrivateKey.generate()).listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .privateNetworkKey(psk).resourceLimits(new ResourceLimits(roomy, roomy, roomy, roomy, roomy, roomy)));
        partners.add(host);
        return host.start();
    }

    private Map<String, String> environment(String natsUrl, int p2pPort) throws Exception {
        Map<String, String> environment = new HashMap<>(NodeProcess.environment(dir, natsUrl, p2pPort));
        // every stream reaches the gate and the resource manager: refusals do not back the attacker off
        environment.put("CAMEL_COMPONENT_LIBP2P_STREAMREFUSALSBEFOREBACKOFF", "100000");
        return environment;
    }

    /** A value of the node's Prometheus metrics, by its name with labels as exported. */
    private static double metric(NodeProcess node, String name) {
        HttpResponse<String> metrics = node.get("/observe/metrics");
        assertNotNull(metrics, "the node's management server answers");
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name + " in:\n" + metrics.body());
    }
}
