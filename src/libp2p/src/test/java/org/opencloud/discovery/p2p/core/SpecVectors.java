package org.opencloud.discovery.p2p.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Key vectors from libp2p/specs peer-ids/peer-ids.md ("Test vectors"), hex of the protobufs. */
final class SpecVectors {
    static final String ED25519_PRIVATE = "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
            + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    static final String ED25519_PUBLIC = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    static final String ED25519_PEER_ID = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
    static final String ED25519_CID = "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6";

    static final String SECP256K1_PRIVATE = "0802122053DADF1D5A164D6B4ACDB15E24AA4C5B1D3461BDBD42ABEDB0A4404D56CED8FB";
    static final String SECP256K1_PUBLIC = "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99";

    /** Type 3, data = SEC1 ECPrivateKey DER on P-256; the scalar is at bytes 7..39 of the data. */
    static final String ECDSA_PRIVATE = "08031279307702010104203E5B1FE9712E6C314942A750BD67485DE3C1EFE85B1BFB520AE8F9"
            + "AE3DFA4A4CA00A06082A8648CE3D030107A14403420004DE3D300FA36AE0E8F5D530899D83ABAB44ABF3161F162A4BC901D8E6"
            + "ECDA020E8B6D5F8DA30525E71D6851510C098E5C47C646A597FB4DCEC034E9F77C409E62";
    static final String ECDSA_PUBLIC = "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d5"
            + "30899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c4"
            + "09e62";

    private SpecVectors() {
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.toLowerCase());
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** The RSA pair is too long to inline: {@code rsa-public-key.hex} / {@code rsa-private-key.hex}. */
    static byte[] resource(String name) {
        try (InputStream in = SpecVectors.class.getResourceAsStream("/peer-ids/" + name)) {
            return hex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
