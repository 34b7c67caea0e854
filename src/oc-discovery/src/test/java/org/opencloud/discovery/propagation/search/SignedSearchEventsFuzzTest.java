package org.opencloud.discovery.propagation.search;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.record.SignedEnvelope;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.codec.Action;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.JsonFuzzInputs;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.StreamEvent;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A searched node's first steps on a peer's search event, fuzzed: the bytes of a stream read as a PB_SEARCH event
 * and its signature checked against the sender's key. Every input is a verified event or a documented rejection
 * (a PropagationException: malformed, or FORGED), within the allocation bound; a mutation the signature still
 * verifies says what was signed.
 */
class SignedSearchEventsFuzzTest {
    private static final PropagationCodec CODEC = new PropagationCodec(CodecTable.defaults(), "oc-discovery");
    private static final SignedSearchEvents SIGNATURES = new SignedSearchEvents(CODEC);
    private static final PrivateKey REQUESTER = PrivateKey.generate();
    /** Two JSON trees (the event and its signed copy) and a base64 envelope: a few hundred bytes per input byte. */
    private static final DecoderFuzz SEARCH_EVENT = DecoderFuzz.of("signed search event", 1 << 20, 1024,
            PropagationException.class);

    @AfterContainer
    static void summary() {
        System.out.println(SEARCH_EVENT.summary());
    }

    @Provide
    Arbitrary<byte[]> searchEvents() {
        StreamEvent event = new StreamEvent(Action.PB_SEARCH, REQUESTER.peerId().toString(), "alice",
                "COMPUTE_RESOURCE", "{\"type\":\"known\",\"search\":\"gpu\"}", null, "s-1");
        return JsonFuzzInputs.mutationsOf(List.of(CODEC.encodeStreamEvent(SIGNATURES.sign(event,
                (d, t, p) -> SignedEnvelope.seal(REQUESTER, d, t, p)))), 16 * 1024);
    }

    @Property
    void aSearchEventIsVerifiedOrRefused(@ForAll("searchEvents") byte[] input) {
        SEARCH_EVENT.check(input, bytes -> {
            StreamEvent event = CODEC.decodeInboundEvent(Action.PB_SEARCH, bytes);
            SIGNATURES.verify(event, REQUESTER.publicKey());
            assertEquals("{\"type\":\"known\",\"search\":\"gpu\"}", event.payload(), "only what was signed verifies");
        });
    }
}
