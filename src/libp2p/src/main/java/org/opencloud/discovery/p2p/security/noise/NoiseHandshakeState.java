package org.opencloud.discovery.p2p.security.noise;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.opencloud.discovery.p2p.core.Libp2pException;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The Noise XX handshake ({@code -> e; <- e, ee, s, es; -> s, se}) with an empty prologue, free
 * of any I/O: feed it the three messages in order with {@link #writeMessage} and
 * {@link #readMessage}, then {@link #split()}. Each instance makes its own static X25519 key, so
 * the static key lives only as long as one connection. Not thread-safe.
 */
public final class NoiseHandshakeState {
    static final int KEY_LENGTH = X25519.POINT_SIZE;
    private static final int ENCRYPTED_KEY_LENGTH = KEY_LENGTH + CipherState.TAG_LENGTH;
    private static final int MESSAGE_COUNT = 3;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean initiator;
    private final SymmetricState symmetric = new SymmetricState();
    private final byte[] staticPrivate = new byte[X25519.SCALAR_SIZE];
    private final byte[] staticPublic = new byte[KEY_LENGTH];
    private final byte[] ephemeralPrivate = new byte[X25519.SCALAR_SIZE];
    private final byte[] ephemeralPublic = new byte[KEY_LENGTH];
    private byte[] remoteEphemeral;
    private byte[] remoteStatic;
    /** Index of the next handshake message, 0 to 2; 3 once complete. */
    private int messageIndex;

    /** The libp2p handshake: empty prologue, fresh static and ephemeral keys. */
    public NoiseHandshakeState(boolean initiator) {
        this(initiator, new byte[0], randomPrivateKey(), randomPrivateKey());
    }

    /** Noise Initialize() with given keys; known-answer tests use it with published vectors. */
    NoiseHandshakeState(boolean initiator, byte[] prologue, byte[] staticPrivateKey, byte[] ephemeralPrivateKey) {
        this.initiator = initiator;
        System.arraycopy(staticPrivateKey, 0, staticPrivate, 0, staticPrivate.length);
        X25519.generatePublicKey(staticPrivate, 0, staticPublic, 0);
        System.arraycopy(ephemeralPrivateKey, 0, ephemeralPrivate, 0, ephemeralPrivate.length);
        X25519.generatePublicKey(ephemeralPrivate, 0, ephemeralPublic, 0);
        symmetric.mixHash(prologue);
    }

    private static byte[] randomPrivateKey() {
        byte[] key = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(RANDOM, key);
        return key;
    }

    public boolean isInitiator() {
        return initiator;
    }

    public byte[] localStaticPublicKey() {
        return staticPublic.clone();
    }

    /** The remote static X25519 key, known after message 2 (initiator) or 3 (responder). */
    public byte[] remoteStaticPublicKey() {
        if (remoteStatic == null) {
            throw new IllegalStateException("remote static key not yet received");
        }
        return remoteStatic.clone();
    }

    /** Whether this side writes the next message. */
    public boolean isMyTurn() {
        return messageIndex < MESSAGE_COUNT && (messageIndex % 2 == 0) == initiator;
    }

    public boolean isComplete() {
        return messageIndex == MESSAGE_COUNT;
    }

    /** Number of the next message (1 to 3), for error messages. */
    public int nextMessageNumber() {
        return messageIndex + 1;
    }

    byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /** Writes the next handshake message carrying {@code payload}; message 1 must carry none. */
    public byte[] writeMessage(byte[] payload) {
        if (!isMyTurn()) {
            throw new IllegalStateException("not our turn to write message " + nextMessageNumber());
        }
        byte[] tokens;
        switch (messageIndex) {
            case 0 -> {
                symmetric.mixHash(ephemeralPublic);
                tokens = ephemeralPublic.clone();
            }
            case 1 -> {
                symmetric.mixHash(ephemeralPublic);
                symmetric.mixKey(dh(ephemeralPrivate, remoteEphemeral));
                byte[] encryptedStatic = symmetric.encryptAndHash(staticPublic);
                symmetric.mixKey(dh(staticPrivate, remoteEphemeral));
                tokens = concat(ephemeralPublic, encryptedStatic);
            }
            default -> {
                byte[] encryptedStatic = symmetric.encryptAndHash(staticPublic);
                symmetric.mixKey(dh(staticPrivate, remoteEphemeral));
                tokens = encryptedStatic;
            }
        }
        byte[] message = concat(tokens, symmetric.encryptAndHash(payload));
        messageIndex++;
        return message;
    }

    /** Reads the next handshake message and returns its decrypted payload. */
    public byte[] readMessage(byte[] message) {
        if (isMyTurn() || isComplete()) {
            throw new IllegalStateException("not expecting to read message " + nextMessageNumber());
        }
        int minimum = switch (messageIndex) {
            case 0 -> KEY_LENGTH;
            case 1 -> KEY_LENGTH + ENCRYPTED_KEY_LENGTH + CipherState.TAG_LENGTH;
            default -> ENCRYPTED_KEY_LENGTH + CipherState.TAG_LENGTH;
        };
        if (message.length < minimum) {
            throw new Libp2pException("message " + nextMessageNumber() + " too short: "
                    + message.length + " bytes, need at least " + minimum);
        }
        int offset = 0;
        if (messageIndex < 2) {
            remoteEphemeral = Arrays.copyOfRange(message, 0, KEY_LENGTH);
            symmetric.mixHash(remoteEphemeral);
            offset = KEY_LENGTH;
        }
        if (messageIndex == 1) {
            symmetric.mixKey(dh(ephemeralPrivate, remoteEphemeral));
        }
        if (messageIndex > 0) {
            remoteStatic = symmetric.decryptAndHash(Arrays.copyOfRange(message, offset, offset + ENCRYPTED_KEY_LENGTH));
            offset += ENCRYPTED_KEY_LENGTH;
            // es for the initiator reading message 2, se for the responder reading message 3: both are DH(e, rs).
            symmetric.mixKey(dh(ephemeralPrivate, remoteStatic));
        }
        byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, offset, message.length));
        messageIndex++;
        return payload;
    }

    /**
     * The transport keys once all three messages are done, oriented for this side: the initiator
     * sends with the first Split() CipherState and receives with the second, the responder the reverse.
     */
    TransportKeys split() {
        if (!isComplete()) {
            throw new IllegalStateException("handshake not complete");
        }
        CipherState[] pair = symmetric.split();
        return initiator ? new TransportKeys(pair[0], pair[1]) : new TransportKeys(pair[1], pair[0]);
    }

    /** The two transport CipherStates of one side. */
    record TransportKeys(CipherState sender, CipherState receiver) {
    }

    private static byte[] dh(byte[] privateKey, byte[] publicKey) {
        byte[] shared = new byte[X25519.POINT_SIZE];
        // BouncyCastle returns false for an all-zero result, i.e. a low-order remote point.
        if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, shared, 0)) {
            throw new Libp2pException("remote sent a low-order X25519 key");
        }
        return shared;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
