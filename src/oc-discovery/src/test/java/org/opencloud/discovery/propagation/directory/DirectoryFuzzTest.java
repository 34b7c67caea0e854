package org.opencloud.discovery.propagation.directory;

import com.fasterxml.jackson.databind.JsonNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.fuzz.FuzzInputs;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.record.RoutingRecord;
import org.opencloud.discovery.p2p.record.SignedEnvelope;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.JsonFuzzInputs;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.TolerantJson;
import org.opencloud.discovery.propagation.codec.NatsEnvelope;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The directory's decoders on any bytes: a peer JSON as apps publish it on CREATE_RESOURCE (the envelope, then
 * the peer record), the peers file (an array or one object, each entry a record or a logged rejection), and a
 * signed node record from the DHT (refused with INVALID_RECORD whatever is wrong with it, including JSON that
 * was validly signed: those inputs are sealed after mutation so that the checks after the signature are
 * reached). Records we write read back as they were.
 */
class DirectoryFuzzTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final TolerantJson JSON = new TolerantJson(CodecTable.defaults());
    private static final PropagationCodec CODEC = new PropagationCodec(CodecTable.defaults(), "oc-discovery-a");
    private static final PeerJsonMapper MAPPER = new PeerJsonMapper(JSON);
    private static final PrivateKey KEY = PrivateKey.generate();
    private static final String PEER = KEY.peerId().toString();
    private static final SignedNodeRecords RECORDS =
            new SignedNodeRecords(JSON, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1));
    private static final SignedNodeRecords.Sealer SEALER =
            (domain, type, payload) -> SignedEnvelope.seal(KEY, domain, type, payload);
    private static final DecoderFuzz PEER_JSON = DecoderFuzz.of("peer JSON (CREATE_RESOURCE)", 1 << 20, 1024,
            PropagationException.class);
    private static final DecoderFuzz PEERS_FILE = DecoderFuzz.of("peers file", 1 << 20, 1024,
            PropagationException.class);
    private static final DecoderFuzz NODE_RECORD = DecoderFuzz.of("signed node record", 1 << 20, 1024,
            PropagationException.class);

    @AfterContainer
    static void summary() {
        System.out.println(PEER_JSON.summary());
        System.out.println(PEERS_FILE.summary());
        System.out.println(NODE_RECORD.summary());
    }

    @Provide
    Arbitrary<byte[]> peerMessages() {
        List<byte[]> seeds = new ArrayList<>();
        for (String peer : peerJsons()) {
            seeds.add(CODEC.encodeNatsMessage("PEER", "alice", peer));
        }
        return JsonFuzzInputs.mutationsOf(seeds, 16 * 1024);
    }

    @Property
    void aPeerMessageIsARecordOrARejection(@ForAll("peerMessages") byte[] input) {
        PEER_JSON.check(input, bytes -> {
            NatsEnvelope envelope = CODEC.decodeNatsEnvelope(bytes);
            if (envelope.payload() != null) {
                JsonNode peer = JSON.parse(envelope.payload(), "peer");
                MAPPER.peerId(peer);
                PeerRecord record = MAPPER.fromJson(peer);
                assertEquals(record.peerId(), PeerJsonMapper.canonicalPeerId(record.peerId()));
            }
        });
    }

    @Provide
    Arbitrary<byte[]> peersFiles() {
        List<String> peers = peerJsons();
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(("[" + String.join(",", peers) + "]").getBytes(StandardCharsets.UTF_8));
        seeds.add(peers.get(0).getBytes(StandardCharsets.UTF_8));
        return JsonFuzzInputs.mutationsOf(seeds, 16 * 1024);
    }

    @Property
    void aPeersFileSeedsWhatItCan(@ForAll("peersFiles") byte[] input) {
        PEERS_FILE.check(input, bytes -> {
            // as PeerDirectorySync.seedFromFile reads it: the file must be JSON, each entry may be refused
            JsonNode peers = JSON.parse(new String(bytes, StandardCharsets.UTF_8), "peers file");
            List<JsonNode> entries = new ArrayList<>();
            if (peers.isArray()) {
                peers.forEach(entries::add);
            } else {
                entries.add(peers);
            }
            for (JsonNode entry : entries) {
                try {
                    MAPPER.fromJson(entry);
                } catch (PropagationException refused) {
                    // logged and skipped by the seeding
                }
            }
        });
    }

    @Property
    void aWrittenPeerReadsBack(@ForAll("records") PeerRecord record) {
        byte[] written = JSON.write(MAPPER.toJson(record));
        PEER_JSON.check(written, bytes -> assertEquals(record, MAPPER.fromJson(JSON.mapper().readTree(bytes))));
    }

    @Provide
    Arbitrary<PeerRecord> records() {
        Arbitrary<String> text = Arbitraries.strings().alpha().numeric().ofMaxLength(20).injectNull(0.3);
        Arbitrary<List<String>> addresses = Arbitraries.integers().between(1, 65535)
                .map(port -> "/ip4/127.0.0.1/tcp/" + port).list().ofMaxSize(3);
        return Combinators.combine(addresses, text, Arbitraries.of(Relation.class), text, text)
                .as((addrs, key, relation, name, did) -> new PeerRecord(PrivateKey.generate().peerId().toString(),
                        addrs, key, relation, name, did));
    }

    @Provide
    Arbitrary<byte[]> nodeRecords() {
        byte[] sealed = sealedRecord();
        Arbitrary<byte[]> bytes = FuzzInputs.mutationsOf(List.of(sealed), 16 * 1024);
        Arbitrary<byte[]> resealedJson = JsonFuzzInputs.mutationsOf(List.of(SignedEnvelope.open(sealed,
                SignedNodeRecords.DOMAIN).payload()), 16 * 1024).map(DirectoryFuzzTest::resealed);
        return Arbitraries.oneOf(bytes, resealedJson);
    }

    @Property
    void aNodeRecordOpensOrIsAnInvalidRecord(@ForAll("nodeRecords") byte[] input) {
        NODE_RECORD.check(input, bytes -> {
            try {
                SignedNodeRecords.NodeRecord record = RECORDS.open(bytes);
                assertEquals(PEER, record.peer().peerId());
            } catch (PropagationException e) {
                assertEquals(Reason.INVALID_RECORD, e.getReason(), e.getMessage());
                throw e;
            }
        });
    }

    @Property
    void aSealedRecordOpensToItsPeer(@ForAll("records") PeerRecord self) {
        PeerRecord mine = new PeerRecord(PEER, List.of(), null, Relation.SELF, self.name(), self.did());
        byte[] sealed = RECORDS.seal(mine, RoutingRecord.of(KEY, List.of(Multiaddr.of("/ip4/127.0.0.1/tcp/4001")))
                .seal(KEY).toBytes(), Duration.ofMinutes(2), SEALER);
        NODE_RECORD.check(sealed, bytes -> {
            PeerRecord opened = RECORDS.open(bytes).peer();
            assertEquals(List.of("/ip4/127.0.0.1/tcp/4001"), opened.addresses());
            assertEquals(mine.name(), opened.name());
            assertEquals(mine.did(), opened.did());
        });
    }

    private static byte[] sealedRecord() {
        PeerRecord self = new PeerRecord(PEER, List.of(), null, Relation.SELF, "node-a", "did:oc:node-a");
        byte[] libp2p = RoutingRecord.of(KEY, List.of(Multiaddr.of("/ip4/127.0.0.1/tcp/4001"),
                Multiaddr.of("/dns4/localhost/tcp/4002"))).seal(KEY).toBytes();
        return RECORDS.seal(self, libp2p, Duration.ofMinutes(2), SEALER);
    }

    /** {@code payload} signed as a node record by {@link #KEY}: whatever it holds, its signature is good. */
    private static byte[] resealed(byte[] payload) {
        return SignedEnvelope.seal(KEY, SignedNodeRecords.DOMAIN, new byte[] {(byte) 0x80, 0x04}, payload).toBytes();
    }

    private static List<String> peerJsons() {
        String other = PrivateKey.generate().peerId().toString();
        return List.of(
                "{\"peer_id\":\"" + PEER + "\",\"name\":\"node-a\",\"stream_address\":\"/ip4/127.0.0.1/tcp/4001\","
                        + "\"relation\":2,\"public_key\":\"CAESIA==\",\"did\":\"did:oc:a\"}",
                "{\"id\":\"" + other + "\",\"addresses\":[\"/ip4/127.0.0.1/tcp/4002/p2p/" + other + "\"],"
                        + "\"relation\":\"PARTNER\",\"state\":1}",
                "{\"stream_address\":[\"/ip4/127.0.0.1/tcp/4003/p2p/" + other + "\"],\"relation\":\"BLACKLIST\"}");
    }
}
