package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.interop.JsPeer;
import org.opencloud.discovery.interop.RequiresTools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.APP_NAME;
import static org.opencloud.discovery.e2e.NodeFixture.decodedPayload;
import static org.opencloud.discovery.e2e.NodeFixture.json;
import static org.opencloud.discovery.e2e.NodeFixture.next;
import static org.opencloud.discovery.e2e.NodeFixture.peerJson;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/** Spec 3.2 against js-libp2p: a js partner receives and sends resource events as the wire format says. */
@RequiresTools(commands = {"node", "npm"}, install = JsPeer.JS_INSTALL)
class JsPartnerInteropTest {
    private static final String CREATE = "/opencloud/resource/create/1.0";
    private static final String DELETE = "/opencloud/resource/delete/1.0";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;
    private static JsPeer partner;
    private static NodeFixture a;

    @BeforeAll
    static void start() {
        partner = JsPeer.peer().key(dir.resolve("partner.key")).handle(CREATE).start();
        a = new NodeFixture("node-a", dir).peers(List.of(peerJson(partner.peerId(), partner.addrs().get(0), "PARTNER")))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (partner != null) {
            partner.close();
        }
    }

    @Test
    void jsPartnerReceivesCreateAsOneJsonValueAndNewline() {
        String resource = "{\"id\":\"dataset-9\",\"format\":\"parquet\"}";

        a.publish("PROPALGATION_EVENT", propagationEvent("some-app", "PB_CREATE", "DATA_RESOURCE", resource, false));

        JsonNode received = partner.awaitEvent(e -> "recv".equals(e.path("event").asText())
                && CREATE.equals(e.path("protocol").asText()), WAIT);
        assertEquals(a.peerId(), received.get("from").asText(), "the stream came from A");
        String data = received.get("data").asText();
        assertTrue(data.endsWith("}\n") && data.indexOf('\n') == data.length() - 1, "one JSON value and a newline: " + data);
        JsonNode event = json(data);
        assertEquals(2, event.get("type").asInt(), "PB_CREATE as oc-lib numbers it");
        assertEquals(a.peerId(), event.get("from").asText());
        assertEquals("alice", event.get("user").asText());
        assertEquals(1, event.get("datatype").asInt(), "DATA_RESOURCE as oc-lib numbers it");
        assertEquals(json(resource), decodedPayload(event.get("payload")));
    }

    @Test
    void jsPartnerDeleteBecomesRemoveResourceOnNats() {
        String resource = "{\"id\":\"dataset-3\"}";
        Subscription removed = a.subscribe("REMOVE_RESOURCE");

        partner.command(Map.of("cmd", "send", "to", a.address(), "protocol", DELETE, "data",
                "{\"type\":\"PB_DELETE\",\"from\":\"" + partner.peerId() + "\",\"user\":\"bob\",\"datatype\":\"DATA_RESOURCE\","
                        + "\"payload\":" + resource + "}\n"), WAIT);

        JsonNode message = json(next(removed));
        assertEquals(APP_NAME, message.get("FromApp").asText());
        assertEquals(1, message.get("Datatype").asInt());
        assertEquals("bob", message.get("User").asText());
        assertEquals(json(resource), decodedPayload(message.get("Payload")));
        removed.unsubscribe();
    }
}
