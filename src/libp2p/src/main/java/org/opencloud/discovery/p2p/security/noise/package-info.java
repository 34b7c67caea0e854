/**
 * The libp2p Noise security handshake ({@code /noise}, {@code Noise_XX_25519_ChaChaPoly_SHA256}).
 *
 * <p>{@link org.opencloud.discovery.p2p.security.noise.NoiseHandshakeState} is the pure XX state
 * machine (no Netty); {@link org.opencloud.discovery.p2p.security.noise.NoiseHandshakeHandler}
 * runs it on a channel, checks the libp2p identity payload and then replaces itself with a
 * {@link org.opencloud.discovery.p2p.security.noise.NoiseTransportCodec} that encrypts and decrypts
 * the {@code u16 length ‖ ciphertext} frames of the secured connection.
 */
package org.opencloud.discovery.p2p.security.noise;
