package org.opencloud.discovery.p2p.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A libp2p peer id: the multihash of the peer's {@link PublicKey} protobuf. Keys of at most 42 bytes
 * (Ed25519, Secp256k1) use the identity multihash, so the key can be read back from the id; larger
 * keys use sha2-256. Printed in base58btc ({@code 12D3KooW…}); parsed from base58 or the CIDv1 form.
 */
public final class PeerId implements Comparable<PeerId> {
    private static final int IDENTITY = 0x00;
    private static final int SHA2_256 = 0x12;
    private static final int MAX_INLINE_KEY = 42;
    private static final int CID_V1 = 0x01;
    private static final int LIBP2P_KEY_CODEC = 0x72;
    /**
     * Longer than either text form of the longest id (44 bytes: 61 base58 characters, 75 for the CID). Base58
     * decoding costs time and memory quadratic in the length, so longer text is refused before it is decoded.
     */
    static final int MAX_TEXT_LENGTH = 128;

    private final byte[] multihash;
    private final String text;

    private PeerId(byte[] multihash) {
        this(multihash, Base58.encode(multihash));
    }

    private PeerId(byte[] multihash, String text) {
        this.multihash = multihash;
        this.text = text;
    }

    public static PeerId fromPublicKey(PublicKey key) {
        byte[] pb = key.toProtobuf();
        if (pb.length <= MAX_INLINE_KEY) {
            byte[] mh = new byte[2 + pb.length];
            mh[0] = IDENTITY;
            mh[1] = (byte) pb.length;
            System.arraycopy(pb, 0, mh, 2, pb.length);
            return new PeerId(mh);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(pb);
            byte[] mh = new byte[2 + digest.length];
            mh[0] = SHA2_256;
            mh[1] = (byte) digest.length;
            System.arraycopy(digest, 0, mh, 2, digest.length);
            return new PeerId(mh);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A peer id from its multihash bytes, as multiaddrs, identify and kad carry it. */
    public static PeerId fromBytes(byte[] multihash) {
        return new PeerId(checked(multihash.clone()));
    }

    /** {@code multihash} when it is an identity multihash of a key or a sha2-256 one, else an exception. */
    private static byte[] checked(byte[] multihash) {
        int[] at = {0};
        long code = Varint.read(multihash, at);
        long length = Varint.read(multihash, at);
        if (multihash.length - at[0] != length) {
            throw new Libp2pException("peer id multihash length " + length + " does not match its "
                    + (multihash.length - at[0]) + " digest bytes");
        }
        if (code == IDENTITY) {
            if (length > MAX_INLINE_KEY) {
                throw new Libp2pException("identity peer id longer than " + MAX_INLINE_KEY + " bytes");
            }
            PublicKey.fromProtobuf(Arrays.copyOfRange(multihash, at[0], multihash.length));
        } else if (code != SHA2_256 || length != 32) {
            throw new Libp2pException("peer id must be an identity or sha2-256 multihash, got code 0x"
                    + Long.toHexString(code) + " length " + length);
        }
        return multihash;
    }

    /** Parses the base58btc form or the CIDv1 form (multibase base32, {@code b…}, codec libp2p-key). */
    public static PeerId fromString(String text) {
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new Libp2pException("not a peer id: " + text.length() + " characters, more than any peer id has");
        }
        if (text.startsWith("1") || text.startsWith("Qm")) {
            // base58 text is the one form of its bytes, so it is kept as this id's text, not encoded again
            return new PeerId(checked(Base58.decode(text)), text);
        }
        if (text.startsWith("b")) {
            byte[] cid = Base32.decode(text.substring(1));
            int[] at = {0};
            long version = Varint.read(cid, at);
            long codec = Varint.read(cid, at);
            if (version != CID_V1 || codec != LIBP2P_KEY_CODEC) {
                throw new Libp2pException("CID is not a CIDv1 libp2p-key: " + text);
            }
            return fromBytes(Arrays.copyOfRange(cid, at[0], cid.length));
        }
        throw new Libp2pException("not a peer id (base58btc or CIDv1 base32): " + text);
    }

    public byte[] toBytes() {
        return multihash.clone();
    }

    /** The public key inside an identity peer id, or null for a sha2-256 id. */
    public PublicKey inlinedPublicKey() {
        if (multihash[0] != IDENTITY) {
            return null;
        }
        return PublicKey.fromProtobuf(Arrays.copyOfRange(multihash, 2, multihash.length));
    }

    /** The CIDv1 text form: multibase base32 of {@code 01 72 ‖ multihash}. */
    public String toCid() {
        byte[] cid = new byte[2 + multihash.length];
        cid[0] = CID_V1;
        cid[1] = LIBP2P_KEY_CODEC;
        System.arraycopy(multihash, 0, cid, 2, multihash.length);
        return "b" + Base32.encode(cid);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && Arrays.equals(multihash, other.multihash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(multihash);
    }

    @Override
    public int compareTo(PeerId o) {
        return Arrays.compareUnsigned(multihash, o.multihash);
    }
}
