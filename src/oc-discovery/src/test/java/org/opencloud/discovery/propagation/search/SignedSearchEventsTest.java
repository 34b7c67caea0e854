package org.opencloud.discovery.propagation.search;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.record.SignedEnvelope;
import org.opencloud.discovery.propagation.PropagationException.Reason;
import org.opencloud.discovery.propagation.codec.Action;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.StreamEvent;
import org.opencloud.discovery.propagation.security.PeerRefusedException;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SignedSearchEventsTest {
    private final PropagationCodec codec = new PropagationCodec(CodecTable.defaults(), "oc-discovery");
    private final SignedSearchEvents signatures = new SignedSearchEvents(codec);
    private final PrivateKey requester = PrivateKey.generate();
    private final StreamEvent event = new StreamEvent(Action.PB_SEARCH, requester.peerId().toString(), "alice",
            "COMPUTE_RESOURCE", "{\"type\":\"known\",\"search\":\"gpu\"}", null, "s-1");

    private StreamEvent signedBy(PrivateKey key, StreamEvent unsigned) {
        return signatures.sign(unsigned, (d, t, p) -> SignedEnvelope.seal(key, d, t, p));
    }

    private void forged(StreamEvent candidate) {
        PeerRefusedException e = assertThrows(PeerRefusedException.class,
                () -> signatures.verify(candidate, requester.publicKey()));
        assertEquals(Reason.FORGED, e.getReason());
    }

    @Test
    void aSignedEventVerifiesAfterTheWireRoundTrip() {
        StreamEvent signed = signedBy(requester, event);
        assertNotNull(signed.signature());
        StreamEvent received = codec.decodeStreamEvent(codec.encodeStreamEvent(signed));
        assertDoesNotThrow(() -> signatures.verify(received, requester.publicKey()));

        // another codec form on the wire (names, inline payload) says the same: still valid
        Properties readable = new Properties();
        readable.setProperty("write.enums", "names");
        readable.setProperty("write.payload", "inline");
        PropagationCodec names = new PropagationCodec(CodecTable.withOverrides(readable), "other");
        StreamEvent relayed = codec.decodeStreamEvent(names.encodeStreamEvent(received));
        assertDoesNotThrow(() -> signatures.verify(relayed, requester.publicKey()));
    }

    @Test
    void unsignedOtherKeysTamperedAndGarbageAreForged() {
        forged(event);
        forged(signedBy(PrivateKey.generate(), event));
        StreamEvent signed = signedBy(requester, event);
        forged(new StreamEvent(signed.type(), signed.from(), signed.user(), signed.dataType(),
                "{\"type\":\"known\",\"search\":\"secret\"}", signed.signature(), signed.id()));
        forged(new StreamEvent(signed.type(), signed.from(), "mallory", signed.dataType(), signed.payload(),
                signed.signature(), signed.id()));
        forged(new StreamEvent(signed.type(), signed.from(), signed.user(), signed.dataType(), signed.payload(),
                signed.signature(), "s-2"));
        forged(new StreamEvent(signed.type(), signed.from(), signed.user(), signed.dataType(), signed.payload(),
                "not base64 !", signed.id()));
        forged(new StreamEvent(signed.type(), signed.from(), signed.user(), signed.dataType(), signed.payload(),
                "AAEC", signed.id()));
        // an envelope of another domain (a node record's) is no search signature
        byte[] other = SignedEnvelope.seal(requester, "opencloud-node-record", new byte[] {(byte) 0x80, 0x04},
                codec.encodeStreamEvent(event)).toBytes();
        forged(new StreamEvent(event.type(), event.from(), event.user(), event.dataType(), event.payload(),
                java.util.Base64.getEncoder().encodeToString(other), event.id()));
    }
}
