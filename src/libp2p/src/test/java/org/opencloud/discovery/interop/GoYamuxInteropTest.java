package org.opencloud.discovery.interop;

import org.opencloud.discovery.p2p.rcmgr.TestScopes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.mux.MuxedStream;
import org.opencloud.discovery.p2p.mux.MuxedStreams;
import org.opencloud.discovery.p2p.mux.yamux.YamuxConfig;
import org.opencloud.discovery.p2p.mux.yamux.YamuxSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our yamux against hashicorp/yamux (the library go-libp2p's go-yamux was forked from, same wire
 * format), over plain loopback TCP: {@code src/test/go/yamuxpeer} is built with Debian's Go and
 * {@code golang-github-hashicorp-yamux-dev} in GOPATH mode; a missing one skips the tests with the reason (fails them under CI).
 * Both sides echo every inbound stream, keep-alive pings run every 500 ms on both, and every scenario
 * ends with our normal Go Away: no protocol error, no error Go Away, no reset on the way.
 */
@RequiresTools(commands = "go", paths = "/usr/share/gocode/src/github.com/hashicorp/yamux",
        install = "Debian: golang-go golang-github-hashicorp-yamux-dev")
class GoYamuxInteropTest {
    private static final Logger log = LoggerFactory.getLogger(GoYamuxInteropTest.class);

    private static final Path SOURCE = ProjectPaths.root().resolve("src/test/go/yamuxpeer");
    private static final Path DIR = ProjectPaths.root().resolve("target/yamuxpeer");
    private static final Path BINARY = DIR.resolve("yamuxpeer");
    /** Where golang-github-hashicorp-yamux-dev puts the library: a GOPATH ({@link RequiresTools} names it too). */
    private static final Path GOPATH = Path.of("/usr/share/gocode");
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern CROSSED_WINDOW_UPDATE =
            Pattern.compile("\\[WARN\\] yamux: frame for missing stream: Vsn:0 Type:1 Flags:0 ");
    private static final AtomicInteger PROCESS_COUNT = new AtomicInteger();

    private static final int STREAMS = 100;
    private static final int STREAM_SIZE = 64 * 1024;
    /** Far beyond the 256 KiB initial window: only window updates let it through. */
    private static final int LARGE_SIZE = 8 * 1024 * 1024;
    /** Streams the Go side opens towards us while we are the client. */
    private static final int GO_STREAMS = 20;
    private static final YamuxConfig CONFIG = YamuxConfig.defaults()
            .withKeepAlive(Duration.ofMillis(500), Duration.ofSeconds(5));
    private static final String GO_KEEP_ALIVE = "500ms";

    private static EventLoopGroup group;
    private final List<JsonLineProcess> peers = new ArrayList<>();
    private CapturedLog captured;

    @BeforeAll
    static void buildPeer() throws IOException, InterruptedException {
        Files.createDirectories(DIR);
        Path buildLog = DIR.resolve("go-build.log");
        ProcessBuilder build = new ProcessBuilder("go", "build", "-o", BINARY.toString(), ".")
                .directory(SOURCE.toFile())
                .redirectErrorStream(true)
                .redirectOutput(buildLog.toFile());
        // GOPATH mode: Debian packages Go libraries as GOPATH sources, and no module proxy is needed.
        build.environment().put("GO111MODULE", "off");
        build.environment().put("GOPATH", GOPATH.toString());
        build.environment().put("GOCACHE", DIR.resolve("go-cache").toString());
        build.environment().put("GOFLAGS", "");
        Process go = build.start();
        go.getOutputStream().close();
        if (!go.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            JsonLineProcess.killTree(go);
            throw new AssertionError("go build did not finish within " + BUILD_TIMEOUT);
        }
        if (go.exitValue() != 0) {
            throw new AssertionError("go build failed: " + Files.readString(buildLog).strip());
        }
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopEventLoops() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @BeforeEach
    void captureLog() {
        captured = CapturedLog.capture();
    }

    @AfterEach
    void stopPeers() {
        peers.forEach(JsonLineProcess::close);
        captured.close();
    }

    @Test
    void goClientEchoesParallelStreamsThroughJavaServer() throws Exception {
        CompletableFuture<YamuxSession> accepted = new CompletableFuture<>();
        Channel server = listen(accepted);
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            JsonLineProcess go = startGo("dial", "-streams", STREAMS, "-size", STREAM_SIZE, "-large", LARGE_SIZE,
                    "127.0.0.1:" + port);
            assertGoEchoed(go.awaitEvent("result", TIMEOUT), STREAMS + 1);
            closeCleanly(accepted.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), go);
        } finally {
            server.close().sync();
        }
    }

    @Test
    void javaClientEchoesParallelStreamsThroughGoServer() throws Exception {
        JsonLineProcess go = startGo("listen", "-streams", GO_STREAMS, "-size", STREAM_SIZE);
        int port = go.awaitEvent("ready", TIMEOUT).path("port").asInt();
        YamuxSession session = dial(port);

        Random random = new Random(port);
        List<byte[]> payloads = new ArrayList<>();
        List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
        for (int i = 0; i <= STREAMS; i++) {
            byte[] payload = new byte[i < STREAMS ? STREAM_SIZE : LARGE_SIZE];
            random.nextBytes(payload);
            payloads.add(payload);
            MuxedStream stream = session.openStream().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            echoes.add(MuxedStreams.readToEnd(stream));
            // the stream holds what exceeds Go's window until Go grants credit
            stream.write(Unpooled.wrappedBuffer(payload));
            stream.closeWrite();
        }
        for (int i = 0; i < payloads.size(); i++) {
            assertArrayEquals(payloads.get(i), echoes.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    "echo of stream " + i);
        }
        assertGoEchoed(go.awaitEvent("result", TIMEOUT), GO_STREAMS);
        closeCleanly(session, go);
    }

    @Test
    void pingsMeasureRoundTripsBothWays() throws Exception {
        CompletableFuture<YamuxSession> accepted = new CompletableFuture<>();
        Channel server = listen(accepted);
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            JsonLineProcess go = startGo("dial", "-ping", "127.0.0.1:" + port);
            YamuxSession session = accepted.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            long javaRtt = session.ping().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            JsonNode result = go.awaitEvent("result", TIMEOUT);
            log.info("yamux ping round trips: Java -> Go {} µs, Go -> Java {} µs",
                    javaRtt / 1000, result.path("pingRttNanos").asLong() / 1000);
            assertTrue(javaRtt > 0, "RTT measured by our ping");
            assertTrue(result.path("pingRttNanos").asLong() > 0, "RTT measured by Go's Ping(): " + result);
            assertGoEchoed(result, 0);
            closeCleanly(session, go);
        } finally {
            server.close().sync();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Listens on loopback as yamux server, echoing inbound streams; completes {@code accepted} per connection. */
    private static Channel listen(CompletableFuture<YamuxSession> accepted) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        YamuxSession session = new YamuxSession(false, CONFIG, TestScopes.connection(), MuxedStreams::echo);
                        session.addTo(ch.pipeline());
                        accepted.complete(session);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    /** Connects to the Go listener as yamux client, echoing streams Go opens. */
    private static YamuxSession dial(int port) throws InterruptedException {
        YamuxSession session = new YamuxSession(true, CONFIG, TestScopes.connection(), MuxedStreams::echo);
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        session.addTo(ch.pipeline());
                    }
                }).connect("127.0.0.1", port).sync();
        return session;
    }

    private JsonLineProcess startGo(String mode, Object... args) {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), mode, "-keepalive", GO_KEEP_ALIVE));
        Stream.of(args).map(String::valueOf).forEach(command::add);
        JsonLineProcess go = new JsonLineProcess("yamuxpeer-" + mode + "-" + PROCESS_COUNT.incrementAndGet(),
                command, DIR, DIR.resolve("logs"));
        peers.add(go);
        return go;
    }

    /** Asserts Go's {@code result}: every stream it opened echoed intact, its session open and error-free. */
    private static void assertGoEchoed(JsonNode result, int streams) {
        assertEquals(streams, result.path("streams").asInt(), "streams Go opened: " + result);
        assertTrue(result.path("failures").isEmpty(), "Go's failed streams: " + result.path("failures"));
        assertFalse(result.path("sessionClosed").asBoolean(true), "Go's session closed early: " + result);
        assertNoGoErrors(result);
    }

    /**
     * Asserts hashicorp/yamux logged no [ERR] or [WARN] line, except a flagless Window Update for a stream
     * it had just closed: our credit for the last echo bytes can cross its FIN in flight, and the spec
     * says to ignore frames for closed streams (hashicorp does, after the warning).
     */
    private static void assertNoGoErrors(JsonNode event) {
        List<String> errors = new ArrayList<>();
        event.path("yamuxErrors").forEach(line -> errors.add(line.asText()));
        assertEquals(List.of(), errors.stream().filter(line -> !CROSSED_WINDOW_UPDATE.matcher(line).find()).toList(),
                "hashicorp/yamux logged errors");
    }

    /**
     * Asserts our session survived everything (answers a ping, holds no half-finished stream, logged no
     * warning), then closes it with a normal Go Away and checks that Go saw a clean end and exited.
     */
    private void closeCleanly(YamuxSession session, JsonLineProcess go) throws Exception {
        assertTrue(session.ping().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) > 0, "ping after the transfers");
        assertTrue(session.isOpen(), "our session is still open");
        // Go sends its FINs after reading the echoes; both FINs retire a stream on our side.
        Interop.awaitTrue(TIMEOUT, "every stream closed by both sides", () -> session.streamCount() == 0);
        assertEquals(List.of(), captured.messages().stream()
                .filter(m -> m.startsWith("WARN") || m.startsWith("ERROR")).toList(), "warnings and errors we logged");

        session.close().sync();
        assertNoGoErrors(go.awaitEvent("closed", TIMEOUT));
        assertEquals(0, go.awaitExit(TIMEOUT), "yamuxpeer exit code");
    }
}
