package org.opencloud.discovery.p2p.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opencloud.discovery.p2p.core.SpecVectors.hex;

class MultiaddrTest {

    @Test
    void binaryVectors() {
        assertVector("/ip4/192.0.2.42/tcp/443", "04c000022a0601bb");
        assertVector("/ip6/::1/tcp/4001", "29" + "00".repeat(15) + "01" + "060fa1");
        assertVector("/dns4/example.com/tcp/443", "360b6578616d706c652e636f6d0601bb");
        assertVector("/ip4/127.0.0.1/tcp/4001/p2p/" + SpecVectors.ED25519_PEER_ID,
                "047f000001060fa1a50326" + "0024" + SpecVectors.ED25519_PUBLIC);
        assertVector("/ip4/1.2.3.4/udp/4001/quic-v1", "040102030491020fa1cd03");
        assertVector("/dns/example.com/tcp/443/ws", "350b6578616d706c652e636f6d0601bbdd03");
    }

    @Test
    void ipfsAndCidPeerIdsAreAcceptedAndPrintedAsP2pBase58() {
        String canonical = "/ip4/127.0.0.1/tcp/4001/p2p/" + SpecVectors.ED25519_PEER_ID;
        assertEquals(canonical, Multiaddr.of("/ip4/127.0.0.1/tcp/4001/ipfs/" + SpecVectors.ED25519_PEER_ID).toString());
        assertEquals(canonical, Multiaddr.of("/ip4/127.0.0.1/tcp/4001/p2p/" + SpecVectors.ED25519_CID).toString());
        Multiaddr addr = Multiaddr.of(canonical);
        assertEquals(SpecVectors.ED25519_PEER_ID, addr.peerId().toString());
        assertEquals("/ip4/127.0.0.1/tcp/4001", addr.withoutPeerId().toString());
        assertNull(addr.withoutPeerId().peerId());
        assertEquals(addr, addr.withoutPeerId().withPeerId(addr.peerId()));
    }

    @Test
    void zeroSizeProtocolsHaveNoValue() {
        Multiaddr ws = Multiaddr.of("/ip4/1.2.3.4/tcp/80/ws");
        assertEquals("/ip4/1.2.3.4/tcp/80/ws", ws.toString());
        assertArrayEquals(hex("04010203040600" + "50" + "dd03"), ws.toBytes());
        assertEquals(0, ws.components().get(2).value().length);
    }

    @Test
    void ipv6IsPrintedAsRfc5952() {
        assertEquals("/ip6/2001:db8::1", Multiaddr.of("/ip6/2001:0DB8:0000:0000:0000:0000:0000:0001").toString());
        assertEquals("/ip6/2001:db8:0:1:1:1:1:1", Multiaddr.of("/ip6/2001:db8:0:1:1:1:1:1").toString());
        assertEquals("/ip6/2001:0:0:1::1", Multiaddr.of("/ip6/2001:0:0:1:0:0:0:1").toString());
        assertEquals("/ip6/::", Multiaddr.of("/ip6/::").toString());
        assertEquals("/ip6/fe80::", Multiaddr.of("/ip6/fe80:0:0:0:0:0:0:0").toString());
        assertEquals("/ip6/::ffff:192.0.2.1", Multiaddr.of("/ip6/::ffff:192.0.2.1").toString());
        assertArrayEquals(hex("29" + "00".repeat(10) + "ffffc0000201"), Multiaddr.of("/ip6/::ffff:192.0.2.1").toBytes());
    }

    @Test
    void socketAddressesRoundTrip() {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", 4001);
        Multiaddr addr = Multiaddr.fromSocketAddress(address);
        assertEquals("/ip4/127.0.0.1/tcp/4001", addr.toString());
        assertEquals(address, addr.toTcpSocketAddress());
        InetSocketAddress dns = Multiaddr.of("/dns4/example.com/tcp/443").toTcpSocketAddress();
        assertEquals("example.com", dns.getHostString());
        assertEquals(443, dns.getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "ip4/1.2.3.4", "/ip4/1.2.3", "/ip4/256.1.1.1", "/ip4/01.2.3.4",
            "/ip4/localhost", "/ip6/1.2.3.4", "/ip6/::1::2", "/ip6/fe80::1%eth0", "/ip6/example.com",
            "/tcp/65536", "/tcp/port", "/tcp", "/ip4/1.2.3.4/tcp", "/foo/1", "/ws/1",
            "/p2p/12D3KooWnotapeerid", "//ip4/1.2.3.4"})
    void garbageTextIsRejected(String text) {
        assertThrows(Libp2pException.class, () -> Multiaddr.of(text));
    }

    @Test
    void garbageBytesAreRejected() {
        assertThrows(Libp2pException.class, () -> Multiaddr.fromBytes(new byte[0]));
        assertThrows(Libp2pException.class, () -> Multiaddr.fromBytes(hex("04c00002")));
        assertThrows(Libp2pException.class, () -> Multiaddr.fromBytes(hex("7f")));
        assertThrows(Libp2pException.class, () -> Multiaddr.fromBytes(hex("360b6578")));
        // a length of 2^32 + 1 must not wrap around to 1
        assertThrows(Libp2pException.class, () -> Multiaddr.fromBytes(hex("3681808080" + "1061")));
        assertThrows(Libp2pException.class, () -> Multiaddr.fromBytes(hex("a50302ffff")));
    }

    /**
     * Fuzzing found it: a DNS name holding {@code /} or bytes that are not UTF-8 was read from bytes, and its
     * text then read back as other components (here another peer's id) or other bytes.
     */
    @Test
    void dnsNamesThatDoNotReadBackFromTextAreRejected() {
        PeerId other = PrivateKey.generate().peerId();
        byte[] name = ("localhost/tcp/4001/p2p/" + other).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] smuggled = new byte[2 + name.length];
        smuggled[0] = 0x36; // dns4
        smuggled[1] = (byte) name.length;
        System.arraycopy(name, 0, smuggled, 2, name.length);
        assertThrows(Libp2pException.class, () -> Multiaddr.fromBytes(smuggled));
        assertThrows(Libp2pException.class, () -> Multiaddr.fromBytes(hex("3600")));
        assertThrows(Libp2pException.class, () -> Multiaddr.fromBytes(hex("3603" + "61ff62")));
        Multiaddr fine = Multiaddr.fromBytes(Multiaddr.of("/dns4/localhost/tcp/4001").toBytes());
        assertEquals(fine, Multiaddr.of(fine.toString()));
    }

    private static void assertVector(String text, String binary) {
        Multiaddr addr = Multiaddr.of(text);
        assertArrayEquals(hex(binary), addr.toBytes(), text);
        assertEquals(text, addr.toString());
        assertEquals(addr, Multiaddr.fromBytes(hex(binary)));
    }
}
