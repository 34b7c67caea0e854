package org.opencloud.discovery.p2p.protocol.pubsub;

import com.google.protobuf.ByteString;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PublicKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.protocol.pubsub.pb.RpcProto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The StrictSign policy of go and js: every message carries its author, an 8-byte seqno and the author's
 * signature over {@code "libp2p-pubsub:" ‖ the message without signature and key}; the key travels in the
 * message only when the peer id does not inline it (go's choice, so a key in an Ed25519 message is accepted too,
 * as js always sends one, but must match the author).
 */
final class StrictSign {
    static final String DOMAIN = "libp2p-pubsub:";
    static final int SEQNO_BYTES = 8;

    private final Host host;
    /** Seqnos increase (kubo drops js's old random ones); seeded with the time in ns as go and js do. */
    private final AtomicLong seqno = new AtomicLong(System.currentTimeMillis() * 1_000_000L);

    StrictSign(Host host) {
        this.host = host;
    }

    /** A message of ours, signed by the host's identity. */
    RpcProto.Message sign(String topic, byte[] data) {
        RpcProto.Message unsigned = RpcProto.Message.newBuilder()
                .setFrom(ByteString.copyFrom(host.peerId().toBytes()))
                .setData(ByteString.copyFrom(data))
                .setSeqno(ByteString.copyFrom(ByteBuffer.allocate(SEQNO_BYTES).putLong(seqno.incrementAndGet()).array()))
                .setTopic(topic)
                .build();
        RpcProto.Message.Builder signed = unsigned.toBuilder()
                .setSignature(ByteString.copyFrom(host.sign(DOMAIN, unsigned.toByteArray())));
        if (host.peerId().inlinedPublicKey() == null) {
            signed.setKey(ByteString.copyFrom(host.publicKey().toProtobuf()));
        }
        return signed.build();
    }

    /** The author of a message whose fields are all there (checked before its id is computed); throws otherwise. */
    static PeerId author(RpcProto.Message m) {
        if (!m.hasFrom() || !m.hasSeqno() || !m.hasSignature() || !m.hasTopic()) {
            throw new Libp2pException("an unsigned or incomplete message (StrictSign)");
        }
        if (m.getSeqno().size() != SEQNO_BYTES) {
            throw new Libp2pException("a seqno of " + m.getSeqno().size() + " bytes, not " + SEQNO_BYTES);
        }
        return PeerId.fromBytes(m.getFrom().toByteArray());
    }

    /** Checks the signature of a message {@link #author} accepted; throws when the key or signature is wrong. */
    static void verify(RpcProto.Message m, PeerId author) {
        PublicKey key;
        if (m.hasKey()) {
            key = PublicKey.fromProtobuf(m.getKey().toByteArray());
            if (!PeerId.fromPublicKey(key).equals(author)) {
                throw new Libp2pException("the message's key is not its author's " + author);
            }
        } else {
            key = author.inlinedPublicKey();
            if (key == null) {
                throw new Libp2pException("no key in the message, and " + author + " does not inline one");
            }
        }
        byte[] unsigned = m.toBuilder().clearSignature().clearKey().build().toByteArray();
        byte[] prefix = DOMAIN.getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + unsigned.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(unsigned, 0, signed, prefix.length, unsigned.length);
        if (!key.verify(signed, m.getSignature().toByteArray())) {
            throw new Libp2pException("bad signature of " + author);
        }
    }
}
