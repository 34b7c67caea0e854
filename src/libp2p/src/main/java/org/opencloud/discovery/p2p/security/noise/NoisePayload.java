package org.opencloud.discovery.p2p.security.noise;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.core.PublicKey;
import org.opencloud.discovery.p2p.security.noise.pb.NoiseProto;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The libp2p handshake payload of Noise messages 2 and 3: the identity key, its signature binding
 * the Noise static key to that identity, and the offered stream muxers.
 *
 * @param identityKey the sender's identity key
 * @param peerId      the peer id derived from {@code identityKey}
 * @param muxers      the sender's muxer list, possibly empty
 */
record NoisePayload(PublicKey identityKey, PeerId peerId, List<String> muxers) {
    private static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);

    /** The bytes the identity key signs: {@code "noise-libp2p-static-key:" ‖ static X25519 public key}. */
    static byte[] signedBytes(byte[] noiseStaticKey) {
        byte[] out = new byte[SIGNATURE_PREFIX.length + noiseStaticKey.length];
        System.arraycopy(SIGNATURE_PREFIX, 0, out, 0, SIGNATURE_PREFIX.length);
        System.arraycopy(noiseStaticKey, 0, out, SIGNATURE_PREFIX.length, noiseStaticKey.length);
        return out;
    }

    /** Our payload for the Noise static key {@code noiseStaticKey}. */
    static byte[] encode(PrivateKey identity, byte[] noiseStaticKey, List<String> muxers) {
        return NoiseProto.NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFrom(identity.publicKey().toProtobuf()))
                .setIdentitySig(ByteString.copyFrom(identity.sign(signedBytes(noiseStaticKey))))
                .setExtensions(NoiseProto.NoiseExtensions.newBuilder().addAllStreamMuxers(muxers))
                .build().toByteArray();
    }

    /**
     * Decodes the remote payload and checks that its identity key signed {@code remoteStaticKey},
     * the key taken from the handshake state (never from the payload).
     */
    static NoisePayload verify(byte[] payload, byte[] remoteStaticKey) {
        NoiseProto.NoiseHandshakePayload pb;
        try {
            pb = NoiseProto.NoiseHandshakePayload.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new Libp2pException("malformed handshake payload: " + e.getMessage(), e);
        }
        if (!pb.hasIdentityKey() || !pb.hasIdentitySig()) {
            throw new Libp2pException("handshake payload lacks identity key or signature");
        }
        PublicKey identityKey;
        try {
            identityKey = PublicKey.fromProtobuf(pb.getIdentityKey().toByteArray());
        } catch (RuntimeException e) {
            throw new Libp2pException("invalid identity key: " + e.getMessage(), e);
        }
        boolean valid;
        try {
            valid = identityKey.verify(signedBytes(remoteStaticKey), pb.getIdentitySig().toByteArray());
        } catch (RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new Libp2pException("invalid identity signature");
        }
        return new NoisePayload(identityKey, PeerId.fromPublicKey(identityKey),
                List.copyOf(pb.getExtensions().getStreamMuxersList()));
    }
}
