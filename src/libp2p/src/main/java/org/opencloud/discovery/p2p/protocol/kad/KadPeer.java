package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;

import java.util.List;

/** A DHT peer and the addresses known for it (without {@code /p2p/}). */
public record KadPeer(PeerId id, List<Multiaddr> addresses) {
    public KadPeer {
        addresses = List.copyOf(addresses);
    }
}
