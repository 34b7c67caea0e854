/**
 * multistream-select 1.0 ({@code /multistream/1.0.0}): agreeing on the protocol that runs next on a
 * connection or a stream.
 *
 * <p>{@link org.opencloud.discovery.p2p.multistream.MultistreamCodec} frames the messages,
 * {@link org.opencloud.discovery.p2p.multistream.MultistreamNegotiation} is the transport-agnostic
 * state machine (bytes in, bytes out) for both roles, and
 * {@link org.opencloud.discovery.p2p.multistream.MultistreamHandler} runs it on a Netty channel,
 * handing every byte after the selecting message to the next handler;
 * {@link org.opencloud.discovery.p2p.multistream.MuxedStreamNegotiator} does the same on a
 * {@link org.opencloud.discovery.p2p.mux.MuxedStream}, which is not a Netty channel.
 */
package org.opencloud.discovery.p2p.multistream;
