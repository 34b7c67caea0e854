package org.opencloud.discovery.p2p.rcmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.PeerId;

import java.util.ArrayList;
import java.util.List;

class LimitedResourceManagerTest {
    private static final long KIB = 1024;
    private static final String PROTOCOL = "/test/1.0";

    private final PeerId peer = TestScopes.randomPeer();

    /** host 1 MiB, 4 connections each way, 2 pending inbound; peer 512 KiB, 2 connections, 4 streams; protocol 3 streams. */
    private final LimitedResourceManager manager = new LimitedResourceManager(new ResourceLimits(
            new ScopeLimit(4, 4, 100, 100, 1024 * KIB),
            new ScopeLimit(2, 4, 0, 0, 0),
            new ScopeLimit(2, 2, 4, 4, 512 * KIB),
            new ScopeLimit(0, 0, 3, 3, 384 * KIB),
            new ScopeLimit(0, 0, 100, 100, 512 * KIB),
            new ScopeLimit(0, 0, 0, 0, 256 * KIB)));

    private ConnectionScope connected(PeerId who) {
        ConnectionScope c = manager.openConnection(Direction.INBOUND);
        assertNotNull(c);
        assertTrue(c.setPeer(who));
        return c;
    }

    @Test
    void memoryOfAStreamCountsInEveryEnclosingScopeAndIsReleasedExactly() {
        ConnectionScope connection = connected(peer);
        StreamScope stream = connection.openStream(Direction.INBOUND);
        assertTrue(stream.reserveMemory(100 * KIB));
        assertTrue(stream.setProtocol(PROTOCOL));
        assertTrue(stream.reserveMemory(28 * KIB));
        for (ResourceUsage usage : List.of(stream.usage(), connection.usage(), manager.peerUsage(peer),
                manager.protocolUsage(PROTOCOL), manager.hostUsage())) {
            assertEquals(128 * KIB, usage.memory(), usage.toString());
        }
        assertEquals(1, manager.peerUsage(peer).streamsInbound());
        assertEquals(1, manager.protocolUsage(PROTOCOL).streamsInbound());

        stream.releaseMemory(28 * KIB);
        assertEquals(100 * KIB, manager.hostUsage().memory());
        stream.done();
        stream.done();
        stream.releaseMemory(KIB); // after done: nothing
        assertEquals(ResourceUsage.NONE, manager.protocolUsage(PROTOCOL));
        assertEquals(new ResourceUsage(1, 0, 0, 0, 0), manager.peerUsage(peer));
        connection.done();
        assertEquals(ResourceUsage.NONE, manager.hostUsage());
        assertEquals(ResourceUsage.NONE, manager.peerUsage(peer));
        assertEquals(ResourceUsage.NONE, manager.pendingUsage());
    }

    @Test
    void aReservationRefusedByAnEnclosingScopeHoldsNothingAnywhere() {
        ConnectionScope first = connected(peer);
        ConnectionScope second = connected(peer);
        StreamScope a = first.openStream(Direction.INBOUND);
        StreamScope b = second.openStream(Direction.OUTBOUND);
        assertTrue(a.reserveMemory(200 * KIB));
        assertTrue(b.reserveMemory(200 * KIB));
        StreamScope c = second.openStream(Direction.INBOUND);
        assertFalse(c.reserveMemory(200 * KIB), "the peer's 512 KiB would be exceeded");
        assertEquals(1, manager.refusals(ScopeKind.PEER, Resource.MEMORY));
        assertEquals(0, c.usage().memory());
        assertEquals(200 * KIB, second.usage().memory());
        assertEquals(400 * KIB, manager.peerUsage(peer).memory());
        assertEquals(400 * KIB, manager.hostUsage().memory());

        assertFalse(a.reserveMemory(57 * KIB), "the stream's own 256 KiB would be exceeded");
        assertEquals(1, manager.refusals(ScopeKind.STREAM, Resource.MEMORY));
        assertEquals(400 * KIB, manager.hostUsage().memory());
    }

    @Test
    void heldMemoryIsNeverRefusedAndCountsLikeReserved() {
        StreamScope stream = connected(peer).openStream(Direction.INBOUND);
        assertTrue(stream.reserveMemory(256 * KIB));
        stream.holdMemory(64 * KIB);
        assertEquals(320 * KIB, manager.peerUsage(peer).memory());
        assertFalse(stream.reserveMemory(1));
        stream.releaseMemory(1024 * KIB); // more than it holds: what it holds
        assertEquals(0, manager.hostUsage().memory());
    }

    @Test
    void streamLimitsOfPeerAndProtocolRefuseWithoutCountingAnything() {
        ConnectionScope connection = connected(peer);
        List<StreamScope> streams = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            streams.add(connection.openStream(Direction.INBOUND));
        }
        assertNull(connection.openStream(Direction.INBOUND), "the peer allows 4 inbound streams");
        assertEquals(1, manager.refusals(ScopeKind.PEER, Resource.STREAMS_INBOUND));
        assertNotNull(connection.openStream(Direction.OUTBOUND), "outbound streams are counted apart");

        for (int i = 0; i < 3; i++) {
            assertTrue(streams.get(i).setProtocol(PROTOCOL));
        }
        assertFalse(streams.get(3).setProtocol(PROTOCOL), "the protocol allows 3 inbound streams");
        assertEquals(1, manager.refusals(ScopeKind.PROTOCOL, Resource.STREAMS_INBOUND));
        assertEquals(3, manager.protocolUsage(PROTOCOL).streamsInbound());
        assertEquals(5, manager.hostUsage().streamsInbound() + manager.hostUsage().streamsOutbound());

        streams.get(0).done();
        assertTrue(streams.get(3).setProtocol(PROTOCOL));
        assertEquals(3, manager.protocolUsage(PROTOCOL).streamsInbound());
    }

    @Test
    void settingAProtocolMovesTheMemoryAlreadyHeldOrRefusesWhole() {
        ConnectionScope connection = connected(peer);
        StreamScope first = connection.openStream(Direction.INBOUND);
        assertTrue(first.reserveMemory(200 * KIB));
        assertTrue(first.setProtocol(PROTOCOL));
        StreamScope second = connection.openStream(Direction.INBOUND);
        assertTrue(second.reserveMemory(200 * KIB));
        assertFalse(second.setProtocol(PROTOCOL), "the protocol's 384 KiB would be exceeded");
        assertEquals(1, manager.refusals(ScopeKind.PROTOCOL, Resource.MEMORY));
        assertEquals(new ResourceUsage(0, 0, 1, 0, 200 * KIB), manager.protocolUsage(PROTOCOL));
    }

    @Test
    void pendingHandshakesAndConnectionsPerPeerAreLimited() {
        ConnectionScope a = manager.openConnection(Direction.INBOUND);
        ConnectionScope b = manager.openConnection(Direction.INBOUND);
        assertNull(manager.openConnection(Direction.INBOUND), "two handshakes at once");
        assertEquals(1, manager.refusals(ScopeKind.PENDING, Resource.CONNECTIONS_INBOUND));
        assertNull(a.openStream(Direction.INBOUND), "no stream before the peer is known");

        assertTrue(a.setPeer(peer));
        assertTrue(b.setPeer(peer));
        assertEquals(0, manager.pendingUsage().connectionsInbound());
        ConnectionScope c = manager.openConnection(Direction.INBOUND);
        assertFalse(c.setPeer(peer), "the peer allows 2 inbound connections");
        assertEquals(1, manager.refusals(ScopeKind.PEER, Resource.CONNECTIONS_INBOUND));
        assertEquals(1, manager.pendingUsage().connectionsInbound(), "still pending until closed");
        assertEquals(3, manager.hostUsage().connectionsInbound());
        c.done();
        a.done();
        b.done();
        assertEquals(ResourceUsage.NONE, manager.hostUsage());
        assertEquals(ResourceUsage.NONE, manager.pendingUsage());
        assertEquals(ResourceUsage.NONE, manager.peerUsage(peer));
    }

    @Test
    void theHostLimitsConnectionsEachWay() {
        for (int i = 0; i < 4; i++) {
            assertNotNull(manager.openConnection(Direction.OUTBOUND));
        }
        assertNull(manager.openConnection(Direction.OUTBOUND));
        assertEquals(1, manager.refusals(ScopeKind.PENDING, Resource.CONNECTIONS_OUTBOUND)
                + manager.refusals(ScopeKind.HOST, Resource.CONNECTIONS_OUTBOUND));
        assertNotNull(manager.openConnection(Direction.INBOUND));
    }

    @Test
    void concurrentReservationsNeverExceedALimitAndAllComeBack() throws InterruptedException {
        ConnectionScope connection = connected(peer);
        List<Thread> threads = new ArrayList<>();
        List<Long> maxSeen = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            StreamScope stream = connection.openStream(Direction.INBOUND);
            threads.add(new Thread(() -> {
                long max = 0;
                for (int i = 0; i < 20_000; i++) {
                    if (stream.reserveMemory(48 * KIB)) {
                        max = Math.max(max, manager.peerUsage(peer).memory());
                        stream.releaseMemory(48 * KIB);
                    }
                }
                stream.done();
                synchronized (maxSeen) {
                    maxSeen.add(max);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(maxSeen.stream().allMatch(m -> m <= 512 * KIB), maxSeen.toString());
        connection.done();
        assertEquals(ResourceUsage.NONE, manager.hostUsage());
    }
}
