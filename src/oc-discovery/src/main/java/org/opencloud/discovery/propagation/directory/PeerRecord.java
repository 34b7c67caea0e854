package org.opencloud.discovery.propagation.directory;

import java.util.List;

/**
 * One peer of the directory.
 *
 * @param peerId libp2p peer id, base58 ({@code 12D3KooW...})
 * @param addresses multiaddrs to dial, e.g. {@code /ip4/10.0.0.2/tcp/4001/p2p/12D3KooW...}
 * @param publicKey base64 of the protobuf-encoded public key, or null
 * @param relation never null; {@link Relation#NONE} for a merely known peer
 * @param name display name, or null
 * @param did decentralised identifier, or null
 */
public record PeerRecord(String peerId, List<String> addresses, String publicKey, Relation relation,
                         String name, String did) {

    public PeerRecord {
        if (peerId == null || peerId.isBlank()) {
            throw new IllegalArgumentException("a peer record needs a peer id");
        }
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        relation = relation == null ? Relation.NONE : relation;
    }

    public PeerRecord withRelation(Relation newRelation) {
        return new PeerRecord(peerId, addresses, publicKey, newRelation, name, did);
    }
}
