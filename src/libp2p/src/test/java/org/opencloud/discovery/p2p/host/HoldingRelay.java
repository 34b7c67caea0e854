package org.opencloud.discovery.p2p.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay for one connection that can hold what the listener sends back to the dialer: with it
 * held, the dialer provably gets no answer, so whatever reaches the listener was sent without waiting for one.
 */
final class HoldingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private final AtomicLong towardsDialer = new AtomicLong();
    private boolean holding;
    private OutputStream toDialer;
    private Socket dialer;
    private Socket listener;

    HoldingRelay(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::relay, "holding-relay");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on, the listener's bytes wait here. */
    synchronized void hold() {
        holding = true;
    }

    /** Bytes from the listener that reached the dialer so far. */
    long forwardedToDialer() {
        return towardsDialer.get();
    }

    /** Sends what was held and forwards again. */
    synchronized void release() throws IOException {
        holding = false;
        toDialer.write(held.toByteArray());
        toDialer.flush();
        towardsDialer.addAndGet(held.size());
        held.reset();
    }

    private void relay() {
        try {
            dialer = server.accept();
            listener = new Socket(target.getAddress(), target.getPort());
            synchronized (this) {
                toDialer = dialer.getOutputStream();
            }
            Thread up = new Thread(() -> pump(dialer, listener), "holding-relay-up");
            up.setDaemon(true);
            up.start();
            InputStream in = listener.getInputStream();
            byte[] buffer = new byte[16384];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (this) {
                    if (holding) {
                        held.write(buffer, 0, n);
                    } else {
                        toDialer.write(buffer, 0, n);
                        towardsDialer.addAndGet(n);
                    }
                }
            }
        } catch (IOException closed) {
            // the test closed the relay or a host went away
        } finally {
            closeQuietly();
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException closed) {
            // either side went away
        }
    }

    private void closeQuietly() {
        for (AutoCloseable c : new AutoCloseable[] {dialer, listener, server}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
