package org.opencloud.discovery.p2p.core;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.pb.KeysProto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.p2p.core.SpecVectors.hex;

class PublicKeyTest {
    private static final byte[] MESSAGE = "libp2p signed message".getBytes(StandardCharsets.UTF_8);

    @Test
    void ed25519VectorRoundTripsByteExact() {
        PublicKey key = PublicKey.fromProtobuf(hex(SpecVectors.ED25519_PUBLIC));
        assertEquals(KeysProto.KeyType.Ed25519, key.type());
        assertArrayEquals(hex(SpecVectors.ED25519_PUBLIC), key.toProtobuf());
        assertArrayEquals(Arrays.copyOfRange(hex(SpecVectors.ED25519_PUBLIC), 4, 36), key.raw());
        assertEquals(key, PublicKey.ed25519(key.raw()));
    }

    @Test
    void otherSpecVectorsRoundTripByteExact() {
        for (byte[] pb : new byte[][] {hex(SpecVectors.SECP256K1_PUBLIC), hex(SpecVectors.ECDSA_PUBLIC),
                SpecVectors.resource("rsa-public-key.hex")}) {
            assertArrayEquals(pb, PublicKey.fromProtobuf(pb).toProtobuf());
        }
    }

    @Test
    void rejectsMalformedKeys() {
        assertThrows(Libp2pException.class, () -> PublicKey.fromProtobuf(hex("0801")));
        assertThrows(Libp2pException.class, () -> PublicKey.fromProtobuf(hex("08011201ff")));
        assertThrows(Libp2pException.class, () -> PublicKey.ed25519(new byte[31]));
    }

    @Test
    void ed25519SignatureVerifies() {
        PrivateKey priv = PrivateKey.fromProtobuf(hex(SpecVectors.ED25519_PRIVATE));
        byte[] sig = priv.sign(MESSAGE);
        PublicKey key = PublicKey.fromProtobuf(hex(SpecVectors.ED25519_PUBLIC));
        assertTrue(key.verify(MESSAGE, sig));
        assertFalse(key.verify("other".getBytes(StandardCharsets.UTF_8), sig));
        assertFalse(key.verify(MESSAGE, Arrays.copyOf(sig, 63)));
    }

    @Test
    void secp256k1SignatureOfTheSpecKeyVerifies() throws Exception {
        BigInteger d = new BigInteger(1, Arrays.copyOfRange(hex(SpecVectors.SECP256K1_PRIVATE), 4, 36));
        byte[] sig = ecdsaDer("secp256k1", d, MESSAGE);
        PublicKey key = PublicKey.fromProtobuf(hex(SpecVectors.SECP256K1_PUBLIC));
        assertTrue(key.verify(MESSAGE, sig));
        assertFalse(key.verify("other".getBytes(StandardCharsets.UTF_8), sig));
    }

    @Test
    void ecdsaSignatureOfTheSpecKeyVerifies() throws Exception {
        byte[] data = privateData(hex(SpecVectors.ECDSA_PRIVATE));
        BigInteger d = new BigInteger(1, Arrays.copyOfRange(data, 7, 39));
        byte[] sig = ecdsaDer("secp256r1", d, MESSAGE);
        PublicKey key = PublicKey.fromProtobuf(hex(SpecVectors.ECDSA_PUBLIC));
        assertTrue(key.verify(MESSAGE, sig));
        assertFalse(key.verify("other".getBytes(StandardCharsets.UTF_8), sig));
    }

    @Test
    void ecdsaSignatureFromTheJdkVerifies() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = gen.generateKeyPair();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(MESSAGE);
        byte[] sig = signer.sign();
        PublicKey key = PublicKey.fromProtobuf(protobuf(KeysProto.KeyType.ECDSA, pair.getPublic().getEncoded()));
        assertTrue(key.verify(MESSAGE, sig));
    }

    @Test
    void rsaSignatureOfTheSpecKeyVerifies() throws Exception {
        RSAPrivateKey pkcs1 = RSAPrivateKey.getInstance(privateData(SpecVectors.resource("rsa-private-key.hex")));
        java.security.PrivateKey priv = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
                pkcs1.getModulus(), pkcs1.getPublicExponent(), pkcs1.getPrivateExponent(), pkcs1.getPrime1(),
                pkcs1.getPrime2(), pkcs1.getExponent1(), pkcs1.getExponent2(), pkcs1.getCoefficient()));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(priv);
        signer.update(MESSAGE);
        byte[] sig = signer.sign();
        PublicKey key = PublicKey.fromProtobuf(SpecVectors.resource("rsa-public-key.hex"));
        assertTrue(key.verify(MESSAGE, sig));
        assertFalse(key.verify("other".getBytes(StandardCharsets.UTF_8), sig));
    }

    @Test
    void malformedSignatureIsRejectedNotThrown() {
        PublicKey key = PublicKey.fromProtobuf(hex(SpecVectors.SECP256K1_PUBLIC));
        assertFalse(key.verify(MESSAGE, new byte[] {1, 2, 3}));
        assertFalse(PublicKey.fromProtobuf(hex(SpecVectors.ECDSA_PUBLIC)).verify(MESSAGE, new byte[] {1, 2, 3}));
        assertFalse(PublicKey.fromProtobuf(SpecVectors.resource("rsa-public-key.hex")).verify(MESSAGE, new byte[3]));
    }

    /** SHA-256 then ECDSA (RFC 6979 nonce), DER-encoded: what go-libp2p and js-libp2p produce. */
    private static byte[] ecdsaDer(String curveName, BigInteger d, byte[] message) throws Exception {
        X9ECParameters curve = SECNamedCurves.getByName(curveName);
        ECDomainParameters domain = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(d, domain));
        BigInteger[] rs = signer.generateSignature(MessageDigest.getInstance("SHA-256").digest(message));
        ASN1EncodableVector seq = new ASN1EncodableVector();
        seq.add(new ASN1Integer(rs[0]));
        seq.add(new ASN1Integer(rs[1]));
        return new DERSequence(seq).getEncoded();
    }

    private static byte[] privateData(byte[] privateKeyProtobuf) throws Exception {
        return KeysProto.PrivateKey.parseFrom(privateKeyProtobuf).getData().toByteArray();
    }

    private static byte[] protobuf(KeysProto.KeyType type, byte[] data) {
        return KeysProto.PublicKey.newBuilder().setType(type)
                .setData(com.google.protobuf.ByteString.copyFrom(data)).build().toByteArray();
    }

    /** Fuzzing found it: verifying with an empty or one-byte secp256k1 key threw BouncyCastle's ArrayIndexOutOfBounds. */
    @Test
    void aSecp256k1KeyTooShortForAPointCannotVerify() {
        for (String data : new String[] {"", "02", "04"}) {
            PublicKey key = PublicKey.fromProtobuf(hex("0802" + "12" + String.format("%02x", data.length() / 2) + data));
            assertThrows(Libp2pException.class, () -> key.verify(new byte[] {1}, new byte[70]), data);
        }
    }
}
