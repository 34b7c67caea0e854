package org.opencloud.discovery.p2p.record;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.fuzz.FuzzInputs;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed envelopes and the peer records in them, of any bytes: opened, or refused with an
 * {@link InvalidRecordException} (the one rejection they document, whatever is wrong: protobuf, key, signature,
 * domain, payload); what we seal opens to itself.
 */
class SignedRecordFuzzTest {
    private static final PrivateKey KEY = PrivateKey.generate();
    private static final DecoderFuzz ENVELOPE = DecoderFuzz.of("signed envelope", 512 * 1024, 64,
            InvalidRecordException.class);
    private static final DecoderFuzz PEER_RECORD = DecoderFuzz.of("signed peer record", 512 * 1024, 64,
            InvalidRecordException.class);

    @AfterContainer
    static void summary() {
        System.out.println(ENVELOPE.summary());
        System.out.println(PEER_RECORD.summary());
    }

    @Provide
    Arbitrary<byte[]> envelopes() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(RoutingRecord.of(KEY, List.of(Multiaddr.of("/ip4/127.0.0.1/tcp/4001"))).seal(KEY).toBytes());
        seeds.add(RoutingRecord.of(KEY, List.of()).seal(KEY).toBytes());
        seeds.add(SignedEnvelope.seal(KEY, RoutingRecord.DOMAIN, new byte[] {3, 1},
                "not a record".getBytes(StandardCharsets.UTF_8)).toBytes());
        return FuzzInputs.mutationsOf(seeds, 8192);
    }

    @Property
    void anEnvelopeOpensOrIsRefused(@ForAll("envelopes") byte[] input) {
        ENVELOPE.check(input, bytes -> SignedEnvelope.open(bytes, RoutingRecord.DOMAIN));
    }

    @Property
    void aPeerRecordOpensOrIsRefused(@ForAll("envelopes") byte[] input) {
        PEER_RECORD.check(input, bytes -> {
            RoutingRecord record = RoutingRecord.open(bytes);
            assertTrue(record.addresses().size() <= RoutingRecord.MAX_ADDRESSES);
        });
    }

    @Property
    void aSealedRecordOpensToItself(@ForAll long seq) {
        RoutingRecord record = new RoutingRecord(KEY.peerId(), seq,
                List.of(Multiaddr.of("/ip4/127.0.0.1/tcp/" + (seq & 0xFFFF)), Multiaddr.of("/dns4/localhost/tcp/1")));
        PEER_RECORD.check(record.seal(KEY).toBytes(), bytes -> assertEquals(record, RoutingRecord.open(bytes)));
    }
}
