package org.opencloud.discovery.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.interop.Interop.TIMEOUT;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.host.Connection;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.mux.yamux.YamuxFrame;
import org.opencloud.discovery.p2p.pnet.PnetHandler;
import org.opencloud.discovery.p2p.pnet.SwarmKey;
import org.slf4j.LoggerFactory;

/**
 * Hostile input on a Java host's listening port. After each attack the host has logged why it dropped
 * the connection, and a witness host, connected before the attack, still gets its echo.
 */
class BadInputTest {
    private static final String FLOOD = "/test/flood/1.0";
    private static final int FLOOD_BYTES = 16 << 20;
    private static final byte[] NOISE_PROPOSAL = bytes("\u0013/multistream/1.0.0\n\u0007/noise\n");

    private final List<AutoCloseable> open = new ArrayList<>();
    private final CapturedLog log = CapturedLog.capture();
    private Host host;
    private Host witness;
    private Multiaddr address;
    private final List<Future<Void>> floodWrites = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        log.close();
    }

    private void start(SwarmKey psk) {
        host = track(new Host(Interop.config(psk)));
        Interop.serveEcho(host);
        // writes 16 MiB at once to whoever asks and never reads: what reaches the wire is up to yamux
        host.handle(FLOOD, s -> floodWrites.add(s.write(Unpooled.wrappedBuffer(new byte[FLOOD_BYTES]))));
        host.start();
        address = Interop.addressOf(host);
        witness = track(new Host(Interop.config(psk)).start());
        Interop.assertEchoes(witness, address);
        log.clear();
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private void assertStillServing() {
        Interop.assertEchoes(witness, address);
        assertEquals(1, witness.connections().size(), "the witness kept its one connection");
    }

    @Test
    void garbageWithoutPrivateNetwork() throws IOException {
        start(null);
        long failed = host.failedUpgrades();
        assertClosedAfterSending(random(300, 0xFF));
        log.await(TIMEOUT, "inbound connection from", "failed at security negotiation", "exceeds");
        assertEquals(failed + 1, host.failedUpgrades());
        assertStillServing();
    }

    @Test
    void garbageUnderPrivateNetworkBeforeAndAfterTheNonce() throws IOException {
        start(SwarmKey.generate());
        long failed = host.failedUpgrades();
        try (Socket s = connect()) {
            s.getOutputStream().write(random(PnetHandler.NONCE_BYTES / 2, 0));
        }
        log.await(TIMEOUT, "inbound connection from", "failed at security negotiation", "connection closed");

        assertClosedAfterSending(random(PnetHandler.NONCE_BYTES + 300, 1));
        log.await(TIMEOUT, "inbound connection from", "failed at security negotiation", "PSK mismatch likely");
        Interop.awaitTrue(TIMEOUT, "both upgrades counted as failed", () -> host.failedUpgrades() == failed + 2);
        assertStillServing();
    }

    @Test
    void oversizedNoiseHandshakeMessage() throws IOException {
        start(null);
        long failed = host.failedUpgrades();
        ByteBuf frame = Unpooled.buffer().writeBytes(NOISE_PROPOSAL).writeShort(0xFFFF).writeBytes(random(0xFFFF, 2));
        assertClosedAfterSending(bytesOf(frame));
        log.await(TIMEOUT, "inbound connection from", "failed at noise handshake", "message 1 must be 32 bytes");
        assertEquals(failed + 1, host.failedUpgrades());
        assertStillServing();
    }

    @Test
    void garbageInsteadOfAnEncryptedFrameAfterTheHandshake() {
        start(null);
        try (RawNoiseClient client = new RawNoiseClient(address)) {
            Interop.awaitTrue(TIMEOUT, "host registered the raw client", () -> host.connections().size() == 2);
            client.writeRaw(Unpooled.buffer().writeShort(100).writeBytes(random(100, 3)));
            assertTrue(client.awaitClosed(TIMEOUT), "host closed the connection");
        }
        log.await(TIMEOUT, "closing noise connection", "");
        Interop.awaitTrue(TIMEOUT, "host dropped the raw client", () -> host.connections().size() == 1);

        try (RawNoiseClient client = new RawNoiseClient(address)) {
            client.writeRaw(Unpooled.buffer().writeShort(5).writeBytes(random(5, 4)));
            assertTrue(client.awaitClosed(TIMEOUT), "host closed the connection");
        }
        log.await(TIMEOUT, "closing noise connection", "shorter than the AEAD tag");
        assertStillServing();
    }

    @Test
    void malformedYamuxFramesGetGoAwayAndClose() {
        start(null);
        int[][] headers = {{1, YamuxFrame.TYPE_PING}, {0, 7}}; // {version, type}: version 1, unknown type 7
        for (int[] header : headers) {
            log.clear();
            try (RawNoiseClient client = new RawNoiseClient(address)) {
                client.writeEncrypted(Unpooled.buffer().writeByte(header[0]).writeByte(header[1])
                        .writeShort(YamuxFrame.FLAG_SYN).writeInt(0).writeInt(1));
                assertTrue(client.awaitClosed(TIMEOUT), "host closed the connection");
                assertTrue(client.frames().stream().anyMatch(f -> f.type() == YamuxFrame.TYPE_GO_AWAY
                        && f.length() == YamuxFrame.GO_AWAY_PROTOCOL_ERROR), "GoAway(protocol error) in " + client.frames());
            }
            log.await(TIMEOUT, "yamux protocol error", header[0] != 0 ? "version" : "type");
            assertStillServing();
        }
    }

    @Test
    void protocolNobodyServes() {
        start(null);
        ch.qos.logback.classic.Logger connectionLog =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Connection.class);
        Level level = connectionLog.getLevel();
        connectionLog.setLevel(Level.DEBUG); // a refused stream is routine: logged at debug only
        try {
            Connection c = Interop.await(witness.connect(address));
            Throwable failure = Interop.failure(c.newStream(List.of("/nope/1.0")));
            assertTrue(failure.getMessage().contains("protocol not supported"), failure.getMessage());
            log.await(TIMEOUT, "inbound stream from " + witness.peerId(), "refused");
            assertTrue(c.isOpen(), "the connection survives a refused stream");
        } finally {
            connectionLog.setLevel(level);
        }
        assertStillServing();
    }

    @Test
    void peerThatNeverReadsStallsOnlyItsOwnStreams() {
        start(null);
        try (RawNoiseClient client = new RawNoiseClient(address)) {
            for (int id = 1; id <= 5; id += 2) {
                ByteBuf open = Unpooled.buffer().writeBytes(bytes("\u0013/multistream/1.0.0\n\u0010" + FLOOD + "\n"));
                client.writeEncrypted(Unpooled.buffer().writeByte(0).writeByte(YamuxFrame.TYPE_DATA)
                        .writeShort(YamuxFrame.FLAG_SYN).writeInt(id).writeInt(open.readableBytes()).writeBytes(open));
                open.release();
            }
            Interop.awaitTrue(TIMEOUT, "three flood streams served", () -> floodWrites.size() == 3);
            // the host may send each stream its initial window (256 KiB) and no more: we never grant more
            long window = 256 * 1024;
            Interop.awaitTrue(TIMEOUT, "host filled the windows", () -> client.dataBytes(1) >= window);
            Interop.sleep(Duration.ofMillis(500));
            for (int id = 1; id <= 5; id += 2) {
                long sent = client.dataBytes(id);
                assertTrue(sent <= window + 64, "stream " + id + " got " + sent + " bytes beyond its window");
            }
            assertTrue(floodWrites.stream().noneMatch(Future::isDone), "flood writes stalled, not completed");
            assertStillServing();
        }
        Interop.awaitTrue(TIMEOUT, "stalled writes fail once the peer is gone",
                () -> floodWrites.stream().allMatch(f -> f.isDone() && !f.isSuccess()));
        assertStillServing();
    }

    private Socket connect() throws IOException {
        return new Socket(address.toTcpSocketAddress().getAddress(), address.toTcpSocketAddress().getPort());
    }

    /** Sends {@code data} on a raw socket and asserts the host closes it. */
    private void assertClosedAfterSending(byte[] data) throws IOException {
        try (Socket s = connect()) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            try {
                s.getOutputStream().write(data);
                InputStream in = s.getInputStream();
                while (in.read() >= 0) {
                    // whatever the host answered before closing
                }
            } catch (SocketException e) {
                // reset by the host: closed too
            }
        }
    }

    private static byte[] random(int length, int seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        b[0] = (byte) 0xFF; // a varint length far above any multistream message
        b[1] = (byte) 0xFF;
        return b;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytesOf(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        buf.release();
        return b;
    }
}
