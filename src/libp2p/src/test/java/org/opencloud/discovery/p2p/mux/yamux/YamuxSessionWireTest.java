package org.opencloud.discovery.p2p.mux.yamux;

import org.opencloud.discovery.p2p.rcmgr.ConnectionScope;
import org.opencloud.discovery.p2p.rcmgr.LimitedResourceManager;
import org.opencloud.discovery.p2p.rcmgr.ResourceLimits;
import org.opencloud.discovery.p2p.rcmgr.ScopeLimit;
import org.opencloud.discovery.p2p.rcmgr.TestScopes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Libp2pException;
import org.opencloud.discovery.p2p.mux.MuxedStream;

/** One session against hand-written frames: checks the exact bytes it sends. */
class YamuxSessionWireTest {

    private static final String RTT_PING = "000200010000000000000001";

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<MuxedStream> inbound = new ArrayList<>();

    @AfterEach
    void releaseAll() {
        channel.finishAndReleaseAll();
    }

    private YamuxSession install(boolean client, YamuxConfig config) {
        return install(client, config, TestScopes.connection());
    }

    private YamuxSession install(boolean client, YamuxConfig config, ConnectionScope scope) {
        YamuxSession session = new YamuxSession(client, config, scope, inbound::add);
        session.addTo(channel.pipeline());
        assertEquals(RTT_PING, readHex(), "a session pings at start to measure the RTT");
        return session;
    }

    private YamuxSession install(boolean client) {
        return install(client, YamuxConfig.defaults());
    }

    private void receive(String hex) {
        channel.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", ""))));
    }

    /** The next frame written, once the loop ran its tasks (outside a read, a session flushes in a task). */
    private String readHex() {
        channel.runPendingTasks();
        ByteBuf buf = channel.readOutbound();
        if (buf == null) {
            return null;
        }
        try {
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void clientOpensOddStreamsWithWindowUpdateSyn() {
        YamuxSession session = install(true);
        assertTrue(session.openStream().isSuccess());
        assertEquals("000100010000000100000000", readHex());
        assertEquals(3, session.openStream().getNow().id());
        assertEquals("000100010000000300000000", readHex());
        assertEquals(2, session.streamCount());
    }

    @Test
    void serverOpensEvenStreams() {
        YamuxSession session = install(false);
        assertEquals(2, session.openStream().getNow().id());
        assertEquals("000100010000000200000000", readHex());
    }

    @Test
    void answersPingSynWithAckAndSameValue() {
        install(true);
        receive("00 02 0001 00000000 deadbeef");
        assertEquals("00020002" + "00000000" + "deadbeef", readHex());
    }

    @Test
    void matchingPongCompletesOurPingAndStrayPongIsIgnored() {
        YamuxSession session = install(true);
        Future<Long> rtt = session.ping();
        assertNull(readHex(), "the start-up ping is still outstanding, so no second ping");
        receive("00 02 0002 00000000 00000063");
        assertFalse(rtt.isDone());
        assertTrue(session.isOpen());
        receive("00 02 0002 00000000 00000001");
        assertTrue(rtt.isSuccess());
        assertTrue(rtt.getNow() >= 0);
        assertNull(readHex(), "pongs are never answered");
    }

    @Test
    void closeSendsNormalGoAway() {
        YamuxSession session = install(true);
        session.close();
        assertEquals("000300000000000000000000", readHex());
        assertFalse(channel.isOpen());
    }

    @Test
    void synWithWrongParityIsAProtocolError() {
        install(true);
        receive("00 01 0001 00000001 00000000");
        assertEquals("000300000000000000000001", readHex());
        assertFalse(channel.isOpen());
        assertTrue(inbound.isEmpty());
    }

    @Test
    void duplicateSynIsAProtocolError() {
        install(false);
        receive("00 01 0001 00000001 00000000");
        assertEquals("000100020000000100000000", readHex(), "ACK with delta 0");
        assertEquals(1, inbound.size());
        receive("00 01 0001 00000001 00000000");
        assertEquals("000300000000000000000001", readHex());
        assertFalse(channel.isOpen());
    }

    @Test
    void framesForUnknownStreamsAreIgnored() {
        YamuxSession session = install(true);
        receive("00 00 0000 00000008 00000003 616263");
        receive("00 01 0004 0000000a 00000000");
        assertNull(readHex());
        assertTrue(session.isOpen());
    }

    @Test
    void inboundStreamsBeyondTheLimitAreRefusedWithRst() {
        ScopeLimit oneStream = new ScopeLimit(0, 0, 1, 1, 1 << 20);
        ResourceLimits limits = ResourceLimits.defaults();
        install(false, YamuxConfig.defaults(), TestScopes.connection(new LimitedResourceManager(new ResourceLimits(
                limits.host(), limits.pending(), limits.peer(), limits.protocol(), oneStream, limits.stream()))));
        receive("00 01 0001 00000001 00000000");
        assertEquals("000100020000000100000000", readHex());
        receive("00 00 0001 00000003 00000002 6869");
        assertEquals("000100080000000300000000", readHex());
        assertEquals(1, inbound.size());
    }

    @Test
    void dataBeyondTheWindowIsAProtocolError() {
        install(false);
        int overWindow = YamuxConfig.SPEC_INITIAL_WINDOW + 1;
        ByteBuf frame = Unpooled.buffer(12 + overWindow);
        frame.writeInt(0x00000001).writeInt(1).writeInt(overWindow).writeZero(overWindow);
        channel.writeInbound(frame);
        assertEquals("000100020000000100000000", readHex());
        assertEquals("000300000000000000000001", readHex());
        assertFalse(channel.isOpen());
    }

    @Test
    void rstCarryingAnErrorCodeResetsTheStream() {
        YamuxSession session = install(true);
        MuxedStream stream = session.openStream().getNow();
        readHex();
        YamuxRecordingListener listener = new YamuxRecordingListener();
        stream.setListener(listener);
        receive("00 01 0008 00000001 00000005");
        assertInstanceOf(Libp2pException.class, listener.resetCause);
        assertTrue(listener.resetCause.getMessage().contains("reset by remote"));
        assertEquals(0, session.streamCount());
        assertFalse(stream.write(Unpooled.wrappedBuffer(new byte[] {1})).isSuccess());
    }

    @Test
    void remoteGoAwayStopsNewStreamsButKeepsExistingOnes() {
        YamuxSession session = install(true);
        MuxedStream stream = session.openStream().getNow();
        readHex();
        receive("00 03 0000 00000000 00000000");
        assertFalse(session.openStream().isSuccess());
        assertTrue(stream.write(Unpooled.wrappedBuffer(new byte[] {7})).isSuccess());
        assertEquals("000000000000000100000001" + "07", readHex());
    }

    @Test
    void keepAliveClosesTheSessionWhenNoPongArrives() {
        install(true, YamuxConfig.defaults().withKeepAlive(Duration.ofSeconds(30), Duration.ofSeconds(10)));
        receive("00 02 0002 00000000 00000001");
        channel.advanceTimeBy(30, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals("000200010000000000000002", readHex());
        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
    }
}
