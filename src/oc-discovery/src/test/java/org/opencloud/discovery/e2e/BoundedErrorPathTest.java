package org.opencloud.discovery.e2e;

import io.netty.buffer.Unpooled;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.interop.CapturedLog;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.host.Stream;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.ERRORS;
import static org.opencloud.discovery.e2e.NodeFixture.assertNothing;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.peerMessage;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * One error path for everything rejected, and bounded: an event that many targets miss is one error message
 * naming them all, a PB_CONSIDERS naming too many peers is one rejection, rejected directory messages and
 * partner messages over the size limits are kept with their reason, what goes on the error subject fits the
 * NATS server's max_payload, and none of it logs a stack trace.
 */
class BoundedErrorPathTest {
    private static final String CREATE = "/opencloud/resource/create/1.0";
    /** B's nats-server takes no message larger than this. */
    private static final int B_MAX_PAYLOAD = 4096;
    private static final int B_MAX_MESSAGE = 16 * 1024;

    @TempDir
    static Path dir;
    private static NodeFixture a;
    private static NodeFixture b;
    /** A partner of B that the test drives by hand, to send what a node would not. */
    private static Host rawPartner;
    private CapturedLog log;

    @BeforeAll
    static void start() throws Exception {
        PrivateKey rawKey = PrivateKey.generate();
        rawPartner = new Host(HostConfig.withIdentity(rawKey)).start();
        a = new NodeFixture("node-a", Files.createDirectories(dir.resolve("a")))
                .set("oc.delivery.retry-delay-ms", "20").set("oc.considers.max-targets", "100");
        b = NodeFixture.withoutNats("node-b", Files.createDirectories(dir.resolve("b")))
                .natsConfig("max_payload: " + B_MAX_PAYLOAD).startNats()
                .set("camel.component.libp2p.maxMessageSize", String.valueOf(B_MAX_MESSAGE));
        b.peers(List.of(peerJson(a.peerId(), a.address(), "PARTNER"),
                peerJson(rawKey.peerId().toString(), "/ip4/127.0.0.1/tcp/1/p2p/" + rawKey.peerId(), "PARTNER"))).start();
        a.partners(b).start();
    }

    @AfterAll
    static void stop() throws Exception {
        NodeFixture.closeAll(a, b);
        if (rawPartner != null) {
            rawPartner.close();
        }
    }

    @BeforeEach
    void captureLog() {
        log = CapturedLog.capture();
    }

    @AfterEach
    void noStackTraces() {
        log.close();
        assertEquals(List.of(), log.withStackTraces(), "expected rejections are logged without stack traces");
    }

    @Test
    void targetsThatMissAnEventAreReportedInOneMessage() {
        List<String> unreachable = peerIds(50);
        Subscription errors = a.subscribe(ERRORS);
        a.publish("PROPALGATION_EVENT", considers(unreachable));

        Message report = next(errors);
        assertEquals("UNDELIVERED", report.getHeaders().getFirst("OcErrorReason"));
        assertEquals(unreachable.stream().sorted().collect(Collectors.joining(",")),
                report.getHeaders().getFirst("OcErrorPeers"));
        assertNothing(errors, Duration.ofSeconds(1));
        long rejectedLines = log.messages().stream().filter(m -> m.contains("rejected (UNDELIVERED)")).count();
        assertEquals(1, rejectedLines, "one line for the event: " + log.messages());
        assertCreateStillFlows();
    }

    @Test
    void considersNamingTooManyPeersIsOneRejection() {
        Subscription errors = a.subscribe(ERRORS);
        a.publish("PROPALGATION_EVENT", considers(peerIds(10_000)));

        assertEquals("TOO_MANY_TARGETS", next(errors).getHeaders().getFirst("OcErrorReason"));
        assertNothing(errors, Duration.ofSeconds(1));
        assertCreateStillFlows();
    }

    @Test
    void rejectedDirectoryMessagesAreKeptWithTheirReason() {
        Subscription errors = b.subscribe(ERRORS);
        b.publish("CREATE_RESOURCE", "{\"Datatype\": \"PEER\", ");
        assertEquals("MALFORMED_JSON", next(errors).getHeaders().getFirst("OcErrorReason"));

        b.publish("REMOVE_RESOURCE", peerMessage(NodeFixture.JSON.createObjectNode().put("name", "no peer id")));
        assertEquals("MISSING_FIELD", next(errors).getHeaders().getFirst("OcErrorReason"));
        assertCreateStillFlows();
    }

    @Test
    void aPartnerMessageOverTheLimitIsKeptOnTheErrorPath() throws Exception {
        Subscription errors = b.subscribe(ERRORS);
        sendRaw(new byte[B_MAX_MESSAGE + 1]);

        Message kept = next(errors);
        assertEquals("OVERSIZED", kept.getHeaders().getFirst("OcErrorReason"));
        assertEquals(rawPartner.peerId().toString(), kept.getHeaders().getFirst("OcErrorPeer"));
    }

    @Test
    void anEventLargerThanTheNatsServerTakesIsRejectedAndItsReportFits() throws Exception {
        Subscription errors = b.subscribe(ERRORS);
        Subscription created = b.subscribe("CREATE_RESOURCE");
        String big = "{\"id\":\"big\",\"blob\":\"" + "x".repeat(B_MAX_PAYLOAD * 2) + "\"}";
        sendRaw(("{\"type\":\"PB_CREATE\",\"from\":\"" + rawPartner.peerId() + "\",\"datatype\":1,\"payload\":" + big + "}\n")
                .getBytes(StandardCharsets.UTF_8));

        Message kept = next(errors);
        assertEquals("OVERSIZED", kept.getHeaders().getFirst("OcErrorReason"));
        assertTrue(kept.getData().length <= B_MAX_PAYLOAD, kept.getData().length + " bytes on the error subject");
        assertTrue(Integer.parseInt(kept.getHeaders().getFirst("OcErrorTruncated")) > B_MAX_PAYLOAD);
        assertNothing(created, Duration.ofMillis(500));
    }

    /** The stream event a partner writes; B refuses it, so the stream is reset. */
    private static void sendRaw(byte[] message) throws Exception {
        Stream stream = rawPartner.newStream(Multiaddr.of(b.address()), List.of(CREATE)).get(10, TimeUnit.SECONDS);
        stream.write(Unpooled.wrappedBuffer(message));
        stream.closeWrite();
        assertThrows(ExecutionException.class, () -> stream.readToEnd(1024).get(10, TimeUnit.SECONDS), "B resets it");
    }

    private static void assertCreateStillFlows() {
        Subscription onB = b.subscribe("CREATE_RESOURCE");
        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "DATA_RESOURCE",
                "{\"id\":\"after\",\"name\":\"after\"}", false));
        assertEquals("after", decodedPayload(json(next(onB)).path("Payload")).path("id").asText());
    }

    private static String considers(List<String> peers) {
        String ids = peers.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(","));
        return propagationEvent("some-app", "PB_CONSIDERS", "WORKFLOW_EXECUTION",
                "{\"execution\":\"exec-1\",\"PeerIDs\":[" + ids + "]}", false);
    }

    /** Valid peer ids of nobody: no address known, so every delivery fails. */
    private static List<String> peerIds(int count) {
        List<String> ids = new ArrayList<>();
        IntStream.range(0, count).forEach(i -> ids.add(PrivateKey.generate().peerId().toString()));
        return ids;
    }
}
