package org.opencloud.discovery.p2p.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.multistream.MultistreamHandler;
import org.opencloud.discovery.p2p.multistream.MultistreamNegotiation;
import org.opencloud.discovery.p2p.mux.yamux.YamuxConfig;
import org.opencloud.discovery.p2p.mux.yamux.YamuxSession;
import org.opencloud.discovery.p2p.pnet.PnetHandler;
import org.opencloud.discovery.p2p.rcmgr.ConnectionScope;
import org.opencloud.discovery.p2p.security.noise.NoiseHandshakeHandler;
import org.opencloud.discovery.p2p.security.noise.NoiseSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Upgrades a raw TCP channel into a {@link Connection}, in go-libp2p's order: private network (when a
 * key is set), multistream-select of {@code /noise}, the Noise XX handshake, the gates (backed-off peers,
 * then the connection gate), then yamux, chosen inside Noise when both sides offered it or else by a
 * second multistream round. Each step's handler installs the next one before it removes itself, so
 * pipelined bytes flow on. A failure at any step closes the channel and is reported with the step's name.
 */
final class ConnectionUpgrader {
    static final String NOISE = "/noise";
    static final String YAMUX = "/yamux/1.0.0";
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionUpgrader.class);

    private final Host host;
    private final HostConfig config;
    private final YamuxConfig yamuxConfig;
    private record Dial(Multiaddr address, PeerId expected, CompletableFuture<Connection> result) {
    }

    ConnectionUpgrader(Host host, HostConfig config) {
        this.host = host;
        this.config = config;
        this.yamuxConfig = YamuxConfig.defaults();
    }

    /** Upgrades a connection a peer opened to us. */
    void upgradeInbound(SocketChannel channel, ConnectionScope scope) {
        new Upgrade(channel, scope, true, null).start();
    }

    /** Upgrades our dial to {@code address}; {@code result} gets the connection or the failure. */
    void upgradeOutbound(SocketChannel channel, ConnectionScope scope, Multiaddr address, PeerId expected,
                         CompletableFuture<Connection> result) {
        new Upgrade(channel, scope, false, new Dial(address, expected, result)).start();
    }

    /** The state of one connection's upgrade. */
    private final class Upgrade {
        private final Channel channel;
        private final ConnectionScope scope;
        private final boolean inbound;
        private final Dial dial;
        private String step = "private network";
        private ScheduledFuture<?> deadline;

        Upgrade(Channel channel, ConnectionScope scope, boolean inbound, Dial dial) {
            this.channel = channel;
            this.scope = scope;
            this.inbound = inbound;
            this.dial = dial;
        }

        void start() {
            ChannelPipeline p = channel.pipeline();
            long millis = config.handshakeTimeout().toMillis();
            deadline = channel.eventLoop().schedule(() -> fail(new Libp2pException("upgrade timed out after "
                    + millis + " ms" + pnetHint())), millis, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> fail(new Libp2pException("connection closed" + pnetHint())));
            if (config.privateNetworkKey() != null) {
                p.addLast("pnet", new PnetHandler(config.privateNetworkKey()));
            }
            step = "security negotiation";
            Promise<String> security = channel.eventLoop().newPromise();
            security.addListener(this::onSecuritySelected);
            MultistreamNegotiation negotiation = inbound
                    ? MultistreamNegotiation.responder(NOISE::equals)
                    : MultistreamNegotiation.initiator(List.of(NOISE));
            p.addLast("multistream-security", new MultistreamHandler(negotiation, security,
                    config.handshakeTimeout(), config.privateNetworkKey() != null));
        }

        private void onSecuritySelected(Future<? super String> f) {
            if (!f.isSuccess()) {
                fail(f.cause());
                return;
            }
            step = "noise handshake";
            Promise<NoiseSession> secured = channel.eventLoop().newPromise();
            secured.addListener(this::onSecured);
            channel.pipeline().addLast("noise", new NoiseHandshakeHandler(config.identity(), !inbound,
                    dial == null ? null : dial.expected(), List.of(YAMUX), secured, config.handshakeTimeout()));
        }

        private void onSecured(Future<? super NoiseSession> f) {
            if (!f.isSuccess()) {
                fail(f.cause());
                return;
            }
            NoiseSession session = (NoiseSession) f.getNow();
            step = "gate";
            if (host.admission().isBackedOff(session.remotePeerId())) {
                host.peerRefused();
                fail(new Libp2pException("peer " + session.remotePeerId() + " is backed off"), true);
                return;
            }
            String refusal = config.gate().refusal(session.remotePeerId(), remoteAddress(), inbound);
            if (refusal != null) {
                host.peerRefused();
                fail(new Libp2pException("peer " + session.remotePeerId() + " refused: " + refusal));
                return;
            }
            if (!scope.setPeer(session.remotePeerId())) {
                fail(new Libp2pException("peer " + session.remotePeerId() + " has as many connections as the"
                        + " resource manager allows"), true);
                return;
            }
            if (session.remoteMuxers().contains(YAMUX)) {
                installMuxer(session);
                return;
            }
            step = "muxer negotiation";
            Promise<String> muxer = channel.eventLoop().newPromise();
            muxer.addListener(m -> {
                if (m.isSuccess()) {
                    installMuxer(session);
                } else {
                    fail(m.cause());
                }
            });
            MultistreamNegotiation negotiation = inbound
                    ? MultistreamNegotiation.responder(YAMUX::equals)
                    : MultistreamNegotiation.initiator(List.of(YAMUX));
            channel.pipeline().addLast("multistream-muxer", new MultistreamHandler(negotiation, muxer,
                    config.handshakeTimeout(), false));
        }

        private void installMuxer(NoiseSession session) {
            Connection[] connection = new Connection[1];
            YamuxSession yamux = new YamuxSession(!inbound, yamuxConfig, scope,
                    muxed -> connection[0].accept(muxed));
            connection[0] = new Connection(host, channel, session.remotePeerId(), session.remotePublicKey(),
                    remoteAddress(), inbound, yamux);
            yamux.addTo(channel.pipeline());
            deadline.cancel(false);
            step = null;
            host.added(connection[0]);
            if (dial != null) {
                dial.result().complete(connection[0]);
            }
        }

        /** A peer with another key sees only noise from us and drops us or waits, or sends noise we wait on. */
        private String pnetHint() {
            return config.privateNetworkKey() != null && "security negotiation".equals(step)
                    ? " before security was agreed under pnet: PSK mismatch likely" : "";
        }

        private Multiaddr remoteAddress() {
            return Multiaddr.fromSocketAddress((InetSocketAddress) channel.remoteAddress());
        }

        private void fail(Throwable cause) {
            fail(cause, false);
        }

        /** {@code quiet}: logged at debug, for refusals that would otherwise repeat a warning per attempt. */
        private void fail(Throwable cause, boolean quiet) {
            if (step == null) {
                return;
            }
            String failedStep = step;
            step = null;
            deadline.cancel(false);
            host.upgradeFailed();
            String who = dial != null ? dial.address().toString() : String.valueOf(channel.remoteAddress());
            Libp2pException error = new Libp2pException((inbound ? "inbound" : "outbound") + " connection "
                    + (inbound ? "from " : "to ") + who + " failed at " + failedStep + ": " + cause.getMessage(), cause);
            if (quiet) {
                LOG.debug("{}", error.getMessage());
            } else {
                LOG.warn("{}", error.getMessage());
            }
            channel.close();
            if (dial != null) {
                dial.result().completeExceptionally(error);
            }
        }
    }
}
