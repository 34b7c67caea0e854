package org.opencloud.discovery.interop;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.core.PrivateKey;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.pnet.SwarmKey;

/** Shared helpers of the interop and hostile-input tests: Java hosts, an echo protocol, waiting. */
public final class Interop {
    public static final String CREATE = "/opencloud/resource/create/1.0";
    public static final String ECHO = "/echo/1.0";
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Largest message the test echo handlers accept: above the 4 MiB bulk test. */
    public static final int MAX_ECHO = 8 << 20;
    /** Non-ASCII, JSON metacharacters and a trailing newline: every byte must arrive unchanged. */
    public static final String MESSAGE = "{\"name\":\"r1\",\"note\":\"grüße ✓ 日本 \\\"quoted\\\"\"}\n";

    private Interop() {
    }

    /** A loopback host config with a fresh identity, joining {@code psk}'s private network when not null. */
    public static HostConfig config(SwarmKey psk) {
        return HostConfig.withIdentity(PrivateKey.generate())
                .listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"))
                .privateNetworkKey(psk)
                .handshakeTimeout(Duration.ofSeconds(5));
    }

    /** Serves {@link #ECHO} on {@code host}: reads the whole message, writes it back, closes. */
    public static void serveEcho(Host host) {
        host.handle(ECHO, s -> s.readToEnd(MAX_ECHO).thenAccept(bytes -> {
            s.write(Unpooled.wrappedBuffer(bytes));
            s.closeWrite();
        }));
    }

    /** The address of {@code host}'s first listener, with {@code /p2p/<id>}. */
    public static Multiaddr addressOf(Host host) {
        return host.listenAddresses().get(0).withPeerId(host.peerId());
    }

    /** Sends {@code message} on a new {@link #ECHO} stream to {@code to} and returns the reply. */
    public static byte[] echo(Host from, Multiaddr to, byte[] message) {
        Stream s = await(from.newStream(to, List.of(ECHO)));
        s.write(Unpooled.wrappedBuffer(message));
        s.closeWrite();
        return await(s.readToEnd(MAX_ECHO));
    }

    /** Asserts a short echo to {@code to} works: the host is still serving. */
    public static void assertEchoes(Host from, Multiaddr to) {
        byte[] probe = ("still serving " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        byte[] reply = echo(from, to, probe);
        if (!java.util.Arrays.equals(probe, reply)) {
            throw new AssertionError("echo to " + to + " returned " + new String(reply, StandardCharsets.UTF_8));
        }
    }

    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The exception {@code future} fails with; an assertion error when it succeeds or hangs. */
    public static Throwable failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("neither result nor failure within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Polls {@code condition} until true; fails after {@code timeout} with {@code what}. */
    public static void awaitTrue(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            sleep(Duration.ofMillis(20));
        }
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
