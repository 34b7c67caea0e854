package org.opencloud.discovery.p2p.security.noise;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.security.noise.pb.NoiseProto;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.security.noise.NoiseTestSupport.MUXERS;
import static org.opencloud.discovery.p2p.security.noise.NoiseTestSupport.hex;

class NoisePayloadTest {
    private static final PrivateKey SPEC_KEY = PrivateKey.fromProtobuf(hex(
            "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
                    + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"));

    @Test
    void signatureInputMatchesTheSpecVector() {
        byte[] staticKey = new byte[32];
        NoiseProto.NoiseHandshakePayload payload = parse(NoisePayload.encode(SPEC_KEY, staticKey, MUXERS));

        assertArrayEquals(hex("96e76c387acf749074786157ff14a810e4d2f0de949691503813564f0168432b"
                + "d51ecdcbec88090d8ba4c701d3666be691b8f7d8c2e64924e78764a837568902"), payload.getIdentitySig().toByteArray());
        assertArrayEquals(hex("080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"),
                payload.getIdentityKey().toByteArray());
        assertEquals(MUXERS, payload.getExtensions().getStreamMuxersList());
    }

    @Test
    void verifiedPayloadYieldsPeerIdAndMuxers() {
        byte[] staticKey = new NoiseHandshakeState(true).localStaticPublicKey();
        NoisePayload verified = NoisePayload.verify(NoisePayload.encode(SPEC_KEY, staticKey, MUXERS), staticKey);

        assertEquals("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq", verified.peerId().toString());
        assertEquals(MUXERS, verified.muxers());
    }

    @Test
    void missingExtensionsMeanNoMuxers() {
        byte[] staticKey = new byte[32];
        byte[] payload = parse(NoisePayload.encode(SPEC_KEY, staticKey, MUXERS)).toBuilder().clearExtensions().build().toByteArray();

        assertEquals(List.of(), NoisePayload.verify(payload, staticKey).muxers());
    }

    @Test
    void signatureOverAnotherStaticKeyIsRejected() {
        byte[] payload = NoisePayload.encode(SPEC_KEY, new byte[32], MUXERS);
        byte[] otherStaticKey = new byte[32];
        otherStaticKey[0] = 9;

        Libp2pException e = assertThrows(Libp2pException.class, () -> NoisePayload.verify(payload, otherStaticKey));
        assertEquals("invalid identity signature", e.getMessage());
    }

    @Test
    void garbageIdentityKeyIsRejectedClearly() {
        byte[] payload = parse(NoisePayload.encode(SPEC_KEY, new byte[32], MUXERS)).toBuilder()
                .setIdentityKey(ByteString.copyFrom(new byte[] {8, 9, 18, 1, 0})).build().toByteArray();

        Libp2pException e = assertThrows(Libp2pException.class, () -> NoisePayload.verify(payload, new byte[32]));
        assertTrue(e.getMessage().startsWith("invalid identity key"), e.getMessage());
    }

    @Test
    void garbagePayloadIsRejected() {
        Libp2pException e = assertThrows(Libp2pException.class,
                () -> NoisePayload.verify(new byte[] {(byte) 0xff, 1, 2}, new byte[32]));
        assertTrue(e.getMessage().startsWith("malformed handshake payload"), e.getMessage());
    }

    private static NoiseProto.NoiseHandshakePayload parse(byte[] bytes) {
        try {
            return NoiseProto.NoiseHandshakePayload.parseFrom(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
