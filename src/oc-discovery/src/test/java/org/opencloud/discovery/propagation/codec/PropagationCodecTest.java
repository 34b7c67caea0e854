package org.opencloud.discovery.propagation.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PropagationCodecTest {

    private static final String RESOURCE = "{\"id\":\"r-1\",\"name\":\"dataset\",\"creator_id\":\"12D3KooWSelf\"}";

    private final ObjectMapper mapper = new ObjectMapper();
    private final PropagationCodec codec = new PropagationCodec(CodecTable.defaults(), "oc-discovery");

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(String json) {
        return Base64.getEncoder().encodeToString(utf8(json));
    }

    private PropagationException failure(Reason reason, Runnable call) {
        PropagationException e = assertThrows(PropagationException.class, call::run);
        assertEquals(reason, e.getReason());
        return e;
    }

    @Test
    void decodesGoStyleEventWithNumbersAndBase64() {
        String message = "{\"Action\":2,\"DataType\":1,\"Payload\":\"" + base64(RESOURCE) + "\"}";
        String body = "{\"FromApp\":\"oc-catalog\",\"Datatype\":1,\"User\":\"alice\",\"Method\":0,\"Payload\":\""
                + base64(message) + "\"}";
        PropagationRequest request = codec.decodeNatsEvent(utf8(body));
        assertEquals("oc-catalog", request.fromApp());
        assertEquals("alice", request.user());
        assertEquals(0, request.envelope().method());
        assertEquals(Action.PB_CREATE, request.action());
        assertEquals("DATA_RESOURCE", request.dataType());
        assertEquals(RESOURCE, request.payload());
        assertEquals(List.of(), request.targetPeerIds());
    }

    @Test
    void decodesInlineNamesAndFieldNameVariants() {
        String body = "{\"from_app\":\"oc-catalog\",\"data_type\":\"PEER\",\"user\":\"bob\","
                + "\"payload\":{\"action\":\"pb_update\",\"data_type\":\"9\",\"payload\":" + RESOURCE + "}}";
        PropagationRequest request = codec.decodeNatsEvent(utf8(body));
        assertEquals("oc-catalog", request.fromApp());
        assertEquals(Action.PB_UPDATE, request.action());
        assertEquals("PEER", request.dataType());
        assertEquals(RESOURCE, request.payload());
    }

    @Test
    void acceptsABarePropagationMessageAndPayloadAsJsonText() throws Exception {
        String body = "{\"Action\":\"PB_DELETE\",\"DataType\":\"WORKFLOW\",\"Payload\":"
                + mapper.writeValueAsString(RESOURCE) + "}";
        PropagationRequest request = codec.decodeNatsEvent(utf8(body));
        assertEquals(Action.PB_DELETE, request.action());
        assertEquals("WORKFLOW", request.dataType());
        assertEquals(RESOURCE, request.payload());
        assertNull(request.fromApp());
    }

    @Test
    void considersTargetsAreFoundEvenWhenEmbedded() {
        String direct = "{\"FromApp\":\"oc-scheduler\",\"Payload\":{\"Action\":8,\"DataType\":7,"
                + "\"Payload\":{\"PeerIDs\":[\"12D3KooWA\",\"12D3KooWB\"]}}}";
        assertEquals(List.of("12D3KooWA", "12D3KooWB"), codec.decodeNatsEvent(utf8(direct)).targetPeerIds());

        String embedded = "{\"FromApp\":\"oc-scheduler\",\"Payload\":{\"Action\":\"PB_CONSIDERS\",\"DataType\":7,"
                + "\"Payload\":{\"execution\":{\"id\":\"e-1\",\"peer_ids\":[\"12D3KooWC\"]}}}}";
        assertEquals(List.of("12D3KooWC"), codec.decodeNatsEvent(utf8(embedded)).targetPeerIds());

        String none = "{\"Payload\":{\"Action\":8,\"DataType\":7,\"Payload\":{\"id\":\"e-1\"}}}";
        failure(Reason.MISSING_FIELD, () -> codec.decodeNatsEvent(utf8(none)));
    }

    @Test
    void closePlannerAndSearchCarryTheirParameters() {
        String close = "{\"Payload\":{\"Action\":\"PB_CLOSE_PLANNER\",\"Payload\":{\"peer_id\":\"12D3KooWA\"}}}";
        PropagationRequest closing = codec.decodeNatsEvent(utf8(close));
        assertEquals(List.of("12D3KooWA"), closing.targetPeerIds());
        assertNull(closing.dataType());

        String search = "{\"Payload\":{\"Action\":0,\"DataType\":\"COMPUTE_RESOURCE\","
                + "\"Payload\":{\"type\":\"partner\",\"search\":\"gpu\"}}}";
        PropagationRequest searching = codec.decodeNatsEvent(utf8(search));
        assertEquals("partner", searching.searchType());
        assertEquals("gpu", searching.searchText());
    }

    @Test
    void badInputFailsWithItsReason() {
        failure(Reason.MALFORMED_JSON, () -> codec.decodeNatsEvent(utf8("{\"FromApp\":")));
        failure(Reason.MALFORMED_JSON, () -> codec.decodeNatsEvent(utf8("[1,2]")));
        failure(Reason.MALFORMED_JSON, () -> codec.decodeNatsEvent(new byte[0]));
        failure(Reason.MALFORMED_JSON, () -> codec.decodeNatsEvent(utf8("{\"Payload\":\"not base64 !\"}")));
        failure(Reason.MISSING_FIELD, () -> codec.decodeNatsEvent(utf8("{\"FromApp\":\"x\"}")));
        failure(Reason.UNKNOWN_ACTION,
                () -> codec.decodeNatsEvent(utf8("{\"Payload\":{\"Action\":42,\"DataType\":1,\"Payload\":{}}}")));
        failure(Reason.UNKNOWN_ACTION,
                () -> codec.decodeNatsEvent(utf8("{\"Payload\":{\"Action\":\"PB_FLY\",\"DataType\":1}}")));
        failure(Reason.UNKNOWN_DATATYPE,
                () -> codec.decodeNatsEvent(utf8("{\"Payload\":{\"Action\":2,\"DataType\":99,\"Payload\":{}}}")));
        failure(Reason.MISSING_FIELD, () -> codec.decodeNatsEvent(utf8("{\"Payload\":{\"Action\":2,\"Payload\":{}}}")));
    }

    /** Numbers no enum of the table has: beyond 32 bits (4294967298 wrapped to PB_CREATE), negative, not integral. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"4294967298", "4294967297", "9223372036854775808", "18446744073709551618", "-1",
            "1.5", "2.0", "2e0", "\"4294967298\"", "\"9223372036854775808\"", "\"-1\"", "\"1.5\"",
            "\"\u0662\"", "true", "[2]"})
    void enumNumbersOutsideTheTableAreRefused(String number) {
        failure(Reason.UNKNOWN_ACTION, () -> codec.decodeNatsEvent(
                utf8("{\"Payload\":{\"Action\":" + number + ",\"DataType\":1,\"Payload\":{}}}")));
        failure(Reason.UNKNOWN_DATATYPE, () -> codec.decodeNatsEvent(
                utf8("{\"Payload\":{\"Action\":2,\"DataType\":" + number + ",\"Payload\":{}}}")));
        failure(Reason.UNKNOWN_DATATYPE, () -> codec.decodeNatsEnvelope(utf8("{\"Datatype\":" + number + "}")));
        failure(Reason.UNKNOWN_ACTION, () -> codec.decodeStreamEvent(
                utf8("{\"type\":" + number + ",\"datatype\":1,\"payload\":{}}")));
        failure(Reason.UNKNOWN_DATATYPE, () -> codec.decodeStreamEvent(
                utf8("{\"type\":2,\"datatype\":" + number + ",\"payload\":{}}")));
    }

    @Test
    void enumNumbersOfTheTableAreReadAsNumbersOrDecimalStrings() {
        String asNumbers = "{\"Payload\":{\"Action\":10,\"DataType\":12,\"Payload\":{}}}";
        String asStrings = "{\"Payload\":{\"Action\":\" 10 \",\"DataType\":\"012\",\"Payload\":{}}}";
        for (String body : List.of(asNumbers, asStrings)) {
            PropagationRequest request = codec.decodeNatsEvent(utf8(body));
            assertEquals(Action.PB_MINIO_CONFIG, request.action());
            assertEquals("BOOKING", request.dataType());
        }
    }

    /** Every action of spec 1 carries a payload: absent, JSON null or base64 of null is refused, not sent on as null. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "PB_CREATE | ", "PB_CREATE | ,\"Payload\":null", "PB_CREATE | ,\"Payload\":\"bnVsbA==\"",
            "PB_UPDATE | ", "PB_UPDATE | ,\"Payload\":null", "PB_DELETE | ", "PB_DELETE | ,\"Payload\":\"bnVsbA==\"",
            "PB_CONSIDERS | ", "PB_CONSIDERS | ,\"Payload\":null", "PB_CLOSE_PLANNER | ", "PB_SEARCH | ,\"Payload\":null"})
    void actionsThatCarryAPayloadNeedOne(String action, String payload) {
        String message = "{\"Action\":\"" + action + "\",\"DataType\":1" + (payload == null ? "" : payload) + "}";
        PropagationException e = failure(Reason.MISSING_FIELD,
                () -> codec.decodeNatsEvent(utf8("{\"FromApp\":\"oc-catalog\",\"Payload\":" + message + "}")));
        assertTrue(e.getMessage().contains(action + " message has no Payload"), e.getMessage());
        failure(Reason.MISSING_FIELD, () -> codec.decodeNatsEvent(utf8(message)));
    }

    @Test
    void aNullPayloadIsNeitherReadNorWrittenOnAStream() {
        failure(Reason.MISSING_FIELD, () -> codec.decodeStreamEvent(utf8("{\"type\":2,\"datatype\":1,\"payload\":null}")));
        failure(Reason.MISSING_FIELD,
                () -> codec.decodeStreamEvent(utf8("{\"type\":2,\"datatype\":1,\"payload\":\"bnVsbA==\"}")));
        StreamEvent empty = new StreamEvent(Action.PB_CREATE, "12D3KooWA", "alice", "DATA_RESOURCE", null, null, null);
        failure(Reason.MISSING_FIELD, () -> codec.encodeStreamEvent(empty));
    }

    @Test
    void actionsWithoutAPayloadStillDecode() {
        PropagationRequest request = codec.decodeNatsEvent(utf8("{\"Payload\":{\"Action\":\"PB_CLOSE_SEARCH\"}}"));
        assertEquals(Action.PB_CLOSE_SEARCH, request.action());
        assertNull(request.payload());
    }

    /** Bytes that are not UTF-8, some of which Jackson alone reads as other characters, inside a string value. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ff", "c0af", "e080af", "eda080", "edbfbf", "f4908080", "f8888080", "e282"})
    void invalidUtf8IsRefusedNotReplaced(String hex) {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        failure(Reason.MALFORMED_JSON, () -> codec.decodeNatsEvent(withBytes(
                "{\"Payload\":{\"Action\":2,\"DataType\":1,\"Payload\":{\"name\":\"", bad, "\"}}}")));
        failure(Reason.MALFORMED_JSON, () -> codec.decodeStreamEvent(withBytes(
                "{\"type\":2,\"datatype\":1,\"payload\":{\"name\":\"", bad, "\"}}")));
        failure(Reason.MALFORMED_JSON, () -> codec.tolerantJson().checkBody(withBytes("{\"", bad, "\":1}"), "body"));
        String base64 = Base64.getEncoder().encodeToString(withBytes("{\"name\":\"", bad, "\"}"));
        failure(Reason.MALFORMED_JSON, () -> codec.decodeStreamEvent(
                utf8("{\"type\":2,\"datatype\":1,\"payload\":\"" + base64 + "\"}")));
    }

    /** Escapes of lone surrogates: legal JSON syntax, but no Unicode text, and written as '?' once encoded. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\\ud800", "\\udc00", "x\\udbffy", "\\ude00\\ud83d", "\\ud83d\\ud83d\\ude00"})
    void unpairedSurrogateEscapesAreRefused(String escaped) {
        String resource = "{\"name\":\"" + escaped + "\"}";
        failure(Reason.MALFORMED_JSON, () -> codec.decodeNatsEvent(
                utf8("{\"Payload\":{\"Action\":2,\"DataType\":1,\"Payload\":" + resource + "}}")));
        failure(Reason.MALFORMED_JSON, () -> codec.decodeNatsEvent(
                utf8("{\"Payload\":{\"Action\":2,\"DataType\":1,\"Payload\":\"" + base64(resource) + "\"}}")));
        failure(Reason.MALFORMED_JSON, () -> codec.decodeStreamEvent(
                utf8("{\"type\":2,\"datatype\":1,\"payload\":{\"" + escaped + "\":1}}")));
        failure(Reason.MALFORMED_JSON, () -> codec.decodeNatsEnvelope(utf8("{\"User\":\"" + escaped + "\"}")));
    }

    @Test
    void theRoutesParseChecksTheTreeOnceForEveryStepAfterIt() {
        byte[] lone = utf8("{\"FromApp\":\"a\",\"Payload\":{\"Action\":2,\"DataType\":1,\"Payload\":[\"\\ud800\"]}}");
        failure(Reason.MALFORMED_JSON, () -> codec.tolerantJson().parseObject(lone, "NATS message"));
        ObjectNode checked = codec.tolerantJson().parseObject(utf8("{\"FromApp\":\"a\",\"Payload\":{\"Action\":2,"
                + "\"DataType\":1,\"Payload\":{\"id\":\"r1\"}}}"), "NATS message");
        assertEquals(codec.decodeNatsEvent(utf8(checked.toString())), codec.decodeParsedNatsEvent(checked));
        assertFalse(codec.isSelfOriginated(checked));
    }

    @Test
    void pairedSurrogatesAndOtherNonAsciiTextPassUnchanged() {
        String resource = "{\"name\":\"caf\u00e9 \ud83d\ude00\",\"escaped\":\"\\ud83d\\ude00\"}";
        PropagationRequest request = codec.decodeNatsEvent(
                utf8("{\"Payload\":{\"Action\":2,\"DataType\":1,\"Payload\":\"" + base64(resource) + "\"}}"));
        assertEquals("caf\u00e9 \ud83d\ude00", codec.tolerantJson().parse(request.payload(), "p").get("name").asText());
        assertEquals("\ud83d\ude00", codec.tolerantJson().parse(request.payload(), "p").get("escaped").asText());
        StreamEvent event = codec.streamEventFor(request, "12D3KooWSelf", null);
        assertEquals(event, codec.decodeStreamEvent(codec.encodeStreamEvent(event)));
    }

    private static byte[] withBytes(String before, byte[] middle, String after) {
        byte[] head = utf8(before);
        byte[] tail = utf8(after);
        byte[] all = Arrays.copyOf(head, head.length + middle.length + tail.length);
        System.arraycopy(middle, 0, all, head.length, middle.length);
        System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
        return all;
    }

    @Test
    void oversizedBodiesAreRefusedBeforeParsing() {
        Properties small = new Properties();
        small.setProperty("limit.messageBytes", "64");
        PropagationCodec strict = new PropagationCodec(CodecTable.withOverrides(small), "oc-discovery");
        byte[] big = new byte[65];
        Arrays.fill(big, (byte) ' ');
        failure(Reason.OVERSIZED, () -> strict.decodeNatsEvent(big));
        failure(Reason.OVERSIZED, () -> strict.decodeStreamEvent(big));
        byte[] limit = new byte[5 * 1024 * 1024];
        failure(Reason.OVERSIZED, () -> codec.decodeNatsEvent(limit));
    }

    @Test
    void selfOriginAndForeignResources() {
        ObjectNode own = codec.tolerantJson().parseObject(utf8("{\"FromApp\":\"oc-discovery\",\"Payload\":{}}"), "own");
        ObjectNode other = codec.tolerantJson().parseObject(utf8("{\"FromApp\":\"oc-catalog\",\"Payload\":{}}"), "other");
        assertTrue(codec.isSelfOriginated(own));
        assertFalse(codec.isSelfOriginated(other));

        assertFalse(codec.isForeignResource(RESOURCE, "12D3KooWSelf"));
        assertTrue(codec.isForeignResource(RESOURCE, "12D3KooWOther"));
        assertFalse(codec.isForeignResource("{\"id\":\"no-creator\"}", "12D3KooWOther"));
    }

    @Test
    void natsMessagesAreWrittenAsGoWouldAndReadBack() throws Exception {
        byte[] body = codec.encodeNatsMessage("PEER", "alice", RESOURCE);
        JsonNode tree = mapper.readTree(body);
        assertEquals("oc-discovery", tree.get("FromApp").asText());
        assertEquals(9, tree.get("Datatype").asInt());
        assertEquals("alice", tree.get("User").asText());
        assertEquals(RESOURCE, new String(Base64.getDecoder().decode(tree.get("Payload").asText()), StandardCharsets.UTF_8));

        NatsEnvelope envelope = codec.decodeNatsEnvelope(body);
        assertEquals(new NatsEnvelope("oc-discovery", "PEER", "alice", null, RESOURCE), envelope);
    }

    @Test
    void considersEventRoundTripsThroughTheOtherNode() {
        String payload = "{\"PeerIDs\":[\"12D3KooWB\"],\"execution\":\"e-1\"}";
        byte[] body = codec.encodeConsidersEvent("WORKFLOW_EXECUTION", "alice", payload);
        PropagationRequest request = codec.decodeNatsEvent(body);
        assertEquals("oc-discovery", request.fromApp());
        assertEquals(Action.PB_CONSIDERS, request.action());
        assertEquals("WORKFLOW_EXECUTION", request.dataType());
        assertEquals(payload, request.payload());
        assertEquals(List.of("12D3KooWB"), request.targetPeerIds());
        assertTrue(codec.isSelfOriginated(codec.tolerantJson().parseObject(body, "considers event")));
    }

    @Test
    void namesAndInlineFormsAreWrittenWhenConfigured() throws Exception {
        Properties readable = new Properties();
        readable.setProperty("write.enums", "names");
        readable.setProperty("write.payload", "inline");
        PropagationCodec names = new PropagationCodec(CodecTable.withOverrides(readable), "oc-discovery");
        JsonNode tree = mapper.readTree(names.encodeNatsMessage("PEER", "alice", RESOURCE));
        assertEquals("PEER", tree.get("Datatype").asText());
        assertEquals(mapper.readTree(RESOURCE), tree.get("Payload"));
        // The default codec reads what the configured one writes, and the other way round.
        assertEquals(RESOURCE, codec.decodeNatsEnvelope(names.encodeNatsMessage("PEER", "a", RESOURCE)).payload());
        assertEquals(RESOURCE, names.decodeNatsEnvelope(codec.encodeNatsMessage("PEER", "a", RESOURCE)).payload());
    }

    @Test
    void streamEventIsOneJsonLineAndRoundTrips() throws Exception {
        StreamEvent event = new StreamEvent(Action.PB_CREATE, "12D3KooWA", "alice", "DATA_RESOURCE", RESOURCE, "c2ln", "7-1764583200000");
        byte[] line = codec.encodeStreamEvent(event);
        assertEquals('\n', line[line.length - 1]);
        assertEquals(1, new String(line, StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count());
        JsonNode tree = mapper.readTree(line);
        assertEquals(2, tree.get("type").asInt());
        assertEquals(1, tree.get("datatype").asInt());
        assertEquals("12D3KooWA", tree.get("from").asText());
        assertEquals("7-1764583200000", tree.get("id").asText());

        assertEquals(event, codec.decodeStreamEvent(line));
        assertEquals(event, codec.decodeStreamEvent(Arrays.copyOf(line, line.length - 1)));
        assertEquals(event, codec.decodeInboundEvent(Action.PB_CREATE, line));
    }

    @Test
    void streamEventReadingIsTolerantAndStrict() {
        String inline = "{\"Type\":\"PB_DELETE\",\"From\":\"12D3KooWA\",\"DataType\":\"STORAGE_RESOURCE\",\"Payload\":"
                + RESOURCE + "}\r\n";
        StreamEvent event = codec.decodeStreamEvent(utf8(inline));
        assertEquals(Action.PB_DELETE, event.type());
        assertEquals("STORAGE_RESOURCE", event.dataType());
        assertEquals(RESOURCE, event.payload());
        assertNull(event.signature());

        failure(Reason.MALFORMED_JSON, () -> codec.decodeStreamEvent(utf8("{\"type\":2}\n{\"type\":2}\n")));
        failure(Reason.MALFORMED_JSON, () -> codec.decodeStreamEvent(utf8("{\"type\":2,")));
        failure(Reason.MISSING_FIELD, () -> codec.decodeStreamEvent(utf8("{\"type\":2,\"datatype\":1}")));
        failure(Reason.UNKNOWN_ACTION, () -> codec.decodeInboundEvent(Action.PB_CREATE, utf8(inline)));
    }

    @Test
    void receiverPublishesPerAction() {
        StreamEvent delete = new StreamEvent(Action.PB_DELETE, "12D3KooWA", "alice", "WORKFLOW", RESOURCE, null, null);
        NatsEnvelope removal = codec.decodeNatsEnvelope(codec.natsMessageFor(delete));
        assertEquals(new NatsEnvelope("oc-discovery", "WORKFLOW", "alice", null, RESOURCE), removal);

        StreamEvent considers = new StreamEvent(Action.PB_CONSIDERS, "12D3KooWA", "alice", "WORKFLOW",
                "{\"PeerIDs\":[\"12D3KooWB\"]}", null, null);
        assertEquals(Action.PB_CONSIDERS, codec.decodeNatsEvent(codec.natsMessageFor(considers)).action());

        StreamEvent search = new StreamEvent(Action.PB_SEARCH, "12D3KooWA", "alice", "WORKFLOW", "{}", null, null);
        failure(Reason.UNKNOWN_ACTION, () -> codec.natsMessageFor(search));
    }

    @Test
    void requestBecomesAStreamEventFromThisPeer() {
        String body = "{\"FromApp\":\"oc-catalog\",\"User\":\"alice\",\"Payload\":{\"Action\":2,\"DataType\":1,"
                + "\"Payload\":" + RESOURCE + "}}";
        StreamEvent event = codec.streamEventFor(codec.decodeNatsEvent(utf8(body)), "12D3KooWSelf", "e1");
        assertEquals(new StreamEvent(Action.PB_CREATE, "12D3KooWSelf", "alice", "DATA_RESOURCE", RESOURCE, null, "e1"), event);
        assertArrayEquals(codec.encodeStreamEvent(event), codec.encodeStreamEvent(codec.decodeStreamEvent(codec.encodeStreamEvent(event))));
    }
}
