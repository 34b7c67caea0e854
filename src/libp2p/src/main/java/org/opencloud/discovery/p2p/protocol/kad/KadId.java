package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.core.PeerId;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A point of the DHT's keyspace: sha256 of a peer id's bytes or of a record key, as go and js hash both, so
 * that ids and keys spread evenly whatever their form. Distance is the XOR of two points, compared unsigned.
 */
final class KadId {
    static final int BITS = 256;
    private final byte[] hash;

    private KadId(byte[] hash) {
        this.hash = hash;
    }

    static KadId ofKey(byte[] key) {
        try {
            return new KadId(MessageDigest.getInstance("SHA-256").digest(key));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static KadId of(PeerId peer) {
        return ofKey(peer.toBytes());
    }

    /** The XOR distance to {@code other}, big-endian, to compare with {@link Arrays#compareUnsigned}. */
    byte[] distance(KadId other) {
        byte[] d = new byte[hash.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (hash[i] ^ other.hash[i]);
        }
        return d;
    }

    /** Leading bits shared with {@code other}: 0 to {@value #BITS}; the k-bucket index. */
    int commonPrefixLength(KadId other) {
        for (int i = 0; i < hash.length; i++) {
            int x = (hash[i] ^ other.hash[i]) & 0xFF;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return BITS;
    }

    /** Orders peers nearest {@code this} first. */
    Comparator<PeerId> byDistance() {
        return (a, b) -> Arrays.compareUnsigned(distance(of(a)), distance(of(b)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadId other && Arrays.equals(hash, other.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }
}
