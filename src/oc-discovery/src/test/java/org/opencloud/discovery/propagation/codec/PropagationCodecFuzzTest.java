package org.opencloud.discovery.propagation.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.propagation.PropagationException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The codec's decoders, as the routes call them, on any bytes: a NATS PROPALGATION_EVENT (the checked parse, the
 * loop check, the propagation message and its payload, the foreign-resource check, then the stream event the node
 * would send), and an inbound stream event on each resource protocol (then the NATS message the node
 * would publish). Each returns or throws a {@link PropagationException}; nothing else, within the allocation
 * bound. Events we encode decode to themselves.
 */
class PropagationCodecFuzzTest {
    private static final CodecTable NUMBERS_BASE64 = CodecTable.defaults();
    private static final CodecTable NAMES_INLINE = CodecTable.withOverrides(inline());
    private static final PropagationCodec CODEC = new PropagationCodec(NUMBERS_BASE64, "oc-discovery-a");
    private static final PropagationCodec INLINE = new PropagationCodec(NAMES_INLINE, "oc-discovery-a");
    /** The actions a receiver publishes from a resource stream (search and its results have their own beans). */
    private static final List<Action> STREAMED = List.of(Action.PB_CREATE, Action.PB_UPDATE, Action.PB_DELETE,
            Action.PB_CONSIDERS, Action.PB_PLANNER);
    private static final String PEER = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
    private static final String RESOURCE = "{\"id\":\"r1\",\"name\":\"data\",\"creator_id\":\"" + PEER + "\"}";
    /**
     * A JSON tree costs some tens of bytes per input byte (about 150 per level of nesting, which Jackson caps at
     * 1000), and the route's chain reads the payload up to seven times (decode, re-encode, decode again).
     */
    private static final DecoderFuzz NATS_EVENT = DecoderFuzz.of("NATS PROPALGATION_EVENT", 4 << 20, 1024,
            PropagationException.class);
    private static final DecoderFuzz STREAM_EVENT = DecoderFuzz.of("inbound stream event", 1 << 20, 512,
            PropagationException.class);

    @AfterContainer
    static void summary() {
        System.out.println(NATS_EVENT.summary());
        System.out.println(STREAM_EVENT.summary());
    }

    @Provide
    Arbitrary<byte[]> natsEvents() {
        List<byte[]> seeds = new ArrayList<>();
        for (PropagationCodec codec : List.of(CODEC, INLINE)) {
            seeds.add(event(codec, Action.PB_CREATE, "DATA_RESOURCE", RESOURCE));
            seeds.add(event(codec, Action.PB_DELETE, "PEER", "{\"peer_id\":\"" + PEER + "\"}"));
            seeds.add(event(codec, Action.PB_CONSIDERS, "WORKFLOW", "{\"peer_ids\":[\"" + PEER + "\"],\"x\":{}}"));
            seeds.add(event(codec, Action.PB_PLANNER, "BOOKING", "{\"peer_id\":\"" + PEER + "\",\"plan\":[1,2]}"));
            seeds.add(event(codec, Action.PB_CLOSE_PLANNER, "BOOKING", "{\"peer_id\":\"" + PEER + "\"}"));
            seeds.add(event(codec, Action.PB_SEARCH, "PEER", "{\"type\":\"all\",\"search\":\"node-b\"}"));
            seeds.add(codec.encodeConsidersEvent("WORKFLOW", "alice", "{\"PeerIDs\":\"" + PEER + "\"}"));
        }
        seeds.add(("{\"Action\":2,\"DataType\":1,\"Payload\":" + RESOURCE + "}").getBytes(StandardCharsets.UTF_8));
        return JsonFuzzInputs.mutationsOf(seeds, 16 * 1024);
    }

    @Property
    void aNatsEventIsARequestOrARejection(@ForAll("natsEvents") byte[] input) {
        NATS_EVENT.check(input, bytes -> {
            ObjectNode parsed = CODEC.tolerantJson().parseObject(bytes, "NATS message");
            CODEC.isSelfOriginated(parsed);
            PropagationRequest request = CODEC.decodeParsedNatsEvent(parsed);
            CODEC.isForeignResource(request.parsedPayload(), PEER);
            if (STREAMED.contains(request.action())) {
                byte[] line = CODEC.encodeStreamEventFor(request, PEER, "7");
                StreamEvent sent = CODEC.acceptInboundEvent(request.action(), line).event();
                assertEquals(request.payload(), sent.payload());
                INLINE.encodeStreamEventFor(request, PEER, "7"); // payload written as JSON
            }
        });
    }

    @Provide
    Arbitrary<byte[]> streamEvents() {
        List<byte[]> seeds = new ArrayList<>();
        for (PropagationCodec codec : List.of(CODEC, INLINE)) {
            for (Action action : STREAMED) {
                String payload = action == Action.PB_CONSIDERS ? "{\"peer_ids\":[\"" + PEER + "\"]}" : RESOURCE;
                seeds.add(codec.encodeStreamEvent(new StreamEvent(action, PEER, "alice", "DATA_RESOURCE",
                        payload, "c2ln", "12")));
            }
        }
        return JsonFuzzInputs.mutationsOf(seeds, 16 * 1024);
    }

    @Property
    void anInboundEventIsANatsMessageOrARejection(@ForAll("streamEvents") byte[] input,
                                                  @ForAll("streamedActions") Action action) {
        STREAM_EVENT.check(input, bytes -> {
            assertNotNull(CODEC.acceptInboundEvent(action, bytes).natsMessage());
        });
    }

    @Property
    void encodedStreamEventsDecodeToThemselves(@ForAll("events") StreamEvent event, @ForAll boolean inline) {
        PropagationCodec codec = inline ? INLINE : CODEC;
        STREAM_EVENT.check(codec.encodeStreamEvent(event), bytes -> assertEquals(event,
                CODEC.decodeInboundEvent(event.type(), bytes)));
    }

    @Provide
    Arbitrary<Action> streamedActions() {
        return Arbitraries.of(STREAMED);
    }

    @Provide
    Arbitrary<StreamEvent> events() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40)
                .filter(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s));
        Arbitrary<String> payload = Combinators.combine(text, Arbitraries.integers())
                .as((s, n) -> CODEC.tolerantJson().mapper().createObjectNode().put("name", s).put("n", n).toString());
        return Combinators.combine(streamedActions(), text, text.injectNull(0.3),
                        Arbitraries.of("DATA_RESOURCE", "PEER", "WORKFLOW", "BOOKING"), payload, text.injectNull(0.5),
                        text.injectNull(0.3))
                .as((action, from, user, dataType, json, signature, id) ->
                        new StreamEvent(action, from, user, dataType, json, signature, id));
    }

    /** A PROPALGATION_EVENT as an app publishes it: the envelope, its payload the propagation message. */
    private static byte[] event(PropagationCodec codec, Action action, String dataType, String payload) {
        TolerantJson json = codec.tolerantJson();
        ObjectNode message = json.mapper().createObjectNode();
        json.putEnum(message, "propagation.action", CodecTable.EnumKind.ACTION, action.name());
        json.putEnum(message, "propagation.dataType", CodecTable.EnumKind.DATATYPE, dataType);
        json.putPayload(message, "propagation.payload", json.parse(payload, "payload"));
        ObjectNode envelope = json.mapper().createObjectNode();
        json.putText(envelope, "nats.fromApp", "oc-catalog");
        json.putEnum(envelope, "nats.dataType", CodecTable.EnumKind.DATATYPE, dataType);
        json.putText(envelope, "nats.user", "alice");
        envelope.put("Method", 3);
        json.putPayload(envelope, "nats.payload", message);
        return json.write(envelope);
    }

    private static Properties inline() {
        Properties p = new Properties();
        p.setProperty("write.enums", "names");
        p.setProperty("write.payload", "inline");
        return p;
    }
}
