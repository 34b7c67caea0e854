/**
 * Yamux ({@code /yamux/1.0.0}), the libp2p stream multiplexer, on Netty: {@link
 * org.opencloud.discovery.p2p.mux.yamux.YamuxFrameCodec} turns plaintext bytes into frames, {@link
 * org.opencloud.discovery.p2p.mux.yamux.YamuxSession} runs the session state machine and hands out
 * {@link org.opencloud.discovery.p2p.mux.MuxedStream}s with per-stream flow control. Wire details
 * follow go-yamux and js-libp2p-yamux so that both accept our sessions.
 */
package org.opencloud.discovery.p2p.mux.yamux;
