package org.opencloud.discovery.p2p.security.noise;

import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PublicKey;

import java.util.List;

/**
 * The outcome of a successful Noise handshake.
 *
 * @param localPeerId     our peer id
 * @param remotePeerId    the authenticated remote peer id, derived from {@code remotePublicKey}
 * @param remotePublicKey the remote identity key that signed its Noise static key
 * @param remoteMuxers    the muxers the remote offered in its payload (early muxer negotiation);
 *                        empty if it offered none, which means "negotiate by multistream"
 */
public record NoiseSession(PeerId localPeerId, PeerId remotePeerId, PublicKey remotePublicKey, List<String> remoteMuxers) {
    public NoiseSession {
        remoteMuxers = List.copyOf(remoteMuxers);
    }
}
