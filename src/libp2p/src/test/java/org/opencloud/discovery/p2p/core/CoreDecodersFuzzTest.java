package org.opencloud.discovery.p2p.core;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.opencloud.discovery.fuzz.DecoderFuzz;
import org.opencloud.discovery.fuzz.FuzzInputs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.opencloud.discovery.p2p.core.SpecVectors.hex;

/**
 * The decoders of keys, key files, peer ids and multiaddrs (what identify, kad, records and the operator's files
 * carry), fed any bytes or text: a value or a {@link Libp2pException}; what a value encodes to decodes to it.
 */
class CoreDecodersFuzzTest {
    private static final DecoderFuzz PUBLIC_KEY = DecoderFuzz.of("public key (and verify)", 512 * 1024, 64,
            Libp2pException.class);
    private static final DecoderFuzz KEY_FILE = DecoderFuzz.of("identity key file", 256 * 1024, 16,
            Libp2pException.class);
    /** Base58 arithmetic is quadratic in the length of a peer id's text, at most 128 characters. */
    private static final DecoderFuzz PEER_ID = DecoderFuzz.of("peer id (bytes and text)", 128 * 1024, 1024,
            Libp2pException.class);
    /** Each /p2p component of 40 bytes costs about 50 KiB here: read, its id's base58 text, read again from it. */
    private static final DecoderFuzz MULTIADDR = DecoderFuzz.of("multiaddr (bytes and text)", 128 * 1024, 2048,
            Libp2pException.class);
    private static final byte[] MESSAGE = "fuzz".getBytes(StandardCharsets.UTF_8);

    @AfterContainer
    static void summary() {
        System.out.println(PUBLIC_KEY.summary());
        System.out.println(KEY_FILE.summary());
        System.out.println(PEER_ID.summary());
        System.out.println(MULTIADDR.summary());
    }

    @Provide
    Arbitrary<byte[]> publicKeys() {
        return FuzzInputs.mutationsOf(List.of(hex(SpecVectors.ED25519_PUBLIC), hex(SpecVectors.SECP256K1_PUBLIC),
                hex(SpecVectors.ECDSA_PUBLIC), PrivateKey.generate().publicKey().toProtobuf()), 2048);
    }

    @Property
    void aPublicKeyDecodesAndVerifiesOrIsRefused(@ForAll("publicKeys") byte[] input) {
        byte[] signature = PrivateKey.generate().sign(MESSAGE);
        PUBLIC_KEY.check(input, bytes -> {
            PublicKey key = PublicKey.fromProtobuf(bytes);
            assertEquals(key, PublicKey.fromProtobuf(key.toProtobuf()));
            key.verify(MESSAGE, signature);
            key.verify(MESSAGE, Arrays.copyOf(bytes, Math.min(bytes.length, 72))); // a DER-looking signature
            PeerId.fromPublicKey(key);
        });
    }

    @Provide
    Arbitrary<byte[]> keyFiles() {
        byte[] legacy = Arrays.copyOf(hex(SpecVectors.ED25519_PRIVATE), 100);
        return FuzzInputs.mutationsOf(List.of(hex(SpecVectors.ED25519_PRIVATE), PrivateKey.generate().toProtobuf(),
                hex(SpecVectors.SECP256K1_PRIVATE), legacy), 1024);
    }

    @Property
    void anIdentityKeyFileDecodesOrIsRefused(@ForAll("keyFiles") byte[] input) {
        KEY_FILE.check(input, bytes -> {
            PrivateKey key = PrivateKey.fromProtobuf(bytes);
            assertEquals(key.peerId(), PrivateKey.fromProtobuf(key.toProtobuf()).peerId());
        });
    }

    @Provide
    Arbitrary<byte[]> peerIds() {
        List<byte[]> seeds = new ArrayList<>();
        PeerId id = PrivateKey.generate().peerId();
        seeds.add(id.toBytes());
        seeds.add(PeerId.fromString("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N").toBytes());
        seeds.add(id.toString().getBytes(StandardCharsets.UTF_8));
        seeds.add(id.toCid().getBytes(StandardCharsets.UTF_8));
        seeds.add(SpecVectors.ED25519_PEER_ID.getBytes(StandardCharsets.UTF_8));
        return FuzzInputs.mutationsOf(seeds, 1024);
    }

    @Property
    void aPeerIdDecodesFromBytesAndTextOrIsRefused(@ForAll("peerIds") byte[] input) {
        PEER_ID.check(input, bytes -> roundTrips(PeerId.fromBytes(bytes)));
        String text = new String(input, StandardCharsets.UTF_8);
        PEER_ID.check(input, bytes -> roundTrips(PeerId.fromString(text)));
        String base58 = Base58.encode(input); // our encoder, quadratic in length, outside what is measured
        PEER_ID.check(input, bytes -> roundTrips(PeerId.fromString(base58)));
    }

    private static void roundTrips(PeerId id) {
        assertEquals(id, PeerId.fromBytes(id.toBytes()));
        assertEquals(id, PeerId.fromString(id.toString()));
        assertEquals(id, PeerId.fromString(id.toCid()));
    }

    @Provide
    Arbitrary<byte[]> multiaddrs() {
        PeerId id = PrivateKey.generate().peerId();
        List<byte[]> seeds = new ArrayList<>();
        for (String text : List.of("/ip4/127.0.0.1/tcp/4001/p2p/" + id, "/ip6/::1/tcp/4001", "/dns4/localhost/tcp/80/ws",
                "/ip4/127.0.0.1/udp/4001/quic-v1", "/ip4/127.0.0.1/tcp/1/p2p/" + id + "/p2p-circuit/p2p/" + id,
                "/ip6/::ffff:127.0.0.1/tcp/2/wss", "/dnsaddr/localhost")) {
            seeds.add(Multiaddr.of(text).toBytes());
            seeds.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return FuzzInputs.mutationsOf(seeds, 1024);
    }

    @Property
    void aMultiaddrDecodesFromBytesAndTextOrIsRefused(@ForAll("multiaddrs") byte[] input) {
        MULTIADDR.check(input, bytes -> {
            Multiaddr address = Multiaddr.fromBytes(bytes);
            assertArrayEquals(bytes, address.toBytes());
            assertEquals(address, Multiaddr.of(address.toString()));
        });
        String text = new String(input, StandardCharsets.UTF_8);
        MULTIADDR.check(input, bytes -> {
            Multiaddr address = Multiaddr.of(text);
            assertEquals(address, Multiaddr.fromBytes(address.toBytes()));
            assertEquals(address, Multiaddr.of(address.toString()));
        });
    }
}
