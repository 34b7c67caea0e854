package org.opencloud.discovery.p2p.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Listens on and dials TCP multiaddrs. Every new channel is passed to an initializer before any byte
 * is read (the inbound one given at construction, or the one given to each dial), so the upgrader
 * owns the pipeline.
 */
public final class TcpTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);

    private final EventLoopGroup group;
    private final boolean epoll;
    private final Consumer<SocketChannel> inboundInitializer;
    private final int connectTimeoutMillis;
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param threads     event-loop threads (0: Netty's default, twice the cores)
     * @param inboundInitializer called on the event loop for each accepted channel
     */
    public TcpTransport(int threads, int connectTimeoutMillis, Consumer<SocketChannel> inboundInitializer) {
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("libp2p-io", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.inboundInitializer = inboundInitializer;
        this.connectTimeoutMillis = connectTimeoutMillis;
        LOG.debug("TCP transport on {}", epoll ? "epoll" : "NIO");
    }

    /** Binds {@code address} ({@code /ip4|ip6/…/tcp/port}, port 0 picks one) and returns the bound address. */
    public Multiaddr listen(Multiaddr address) {
        InetSocketAddress socket = address.withoutPeerId().toTcpSocketAddress();
        if (socket.isUnresolved()) {
            throw new Libp2pException("cannot listen on a DNS name: " + address);
        }
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        inboundInitializer.accept(ch);
                    }
                })
                .bind(socket)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new Libp2pException("cannot listen on " + address + ": " + bound.cause().getMessage(), bound.cause());
        }
        listeners.add(bound.channel());
        // the requested host, not the socket's: a dual-stack socket bound to 0.0.0.0 reports ::
        int port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
        return Multiaddr.fromSocketAddress(new InetSocketAddress(socket.getAddress(), port));
    }

    /**
     * Opens a TCP connection to {@code address}, passing the channel to {@code initializer} before it
     * connects; the future completes once connected (not yet upgraded).
     */
    public CompletableFuture<SocketChannel> dial(Multiaddr address, Consumer<SocketChannel> initializer) {
        CompletableFuture<SocketChannel> result = new CompletableFuture<>();
        InetSocketAddress socket;
        try {
            socket = address.withoutPeerId().toTcpSocketAddress();
        } catch (Libp2pException e) {
            result.completeExceptionally(e);
            return result;
        }
        if (group.isShuttingDown()) { // netty could not even tell us: its listeners run on the loops that are gone
            result.completeExceptionally(new Libp2pException("cannot connect to " + address + ": the transport is closed"));
            return result;
        }
        new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initializer.accept(ch);
                    }
                })
                .connect(socket)
                .addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        result.complete((SocketChannel) f.channel());
                    } else {
                        result.completeExceptionally(new Libp2pException(
                                "cannot connect to " + address + ": " + f.cause().getMessage(), f.cause()));
                    }
                });
        return result;
    }

    @Override
    public void close() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly();
        }
        listeners.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
