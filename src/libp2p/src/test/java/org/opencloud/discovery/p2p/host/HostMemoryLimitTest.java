package org.opencloud.discovery.p2p.host;

import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.rcmgr.ResourceLimits;
import org.opencloud.discovery.p2p.rcmgr.ResourceManager;
import org.opencloud.discovery.p2p.rcmgr.ResourceUsage;
import org.opencloud.discovery.p2p.rcmgr.ScopeKind;
import org.opencloud.discovery.p2p.rcmgr.ScopeLimit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.interop.Interop.ECHO;
import static org.opencloud.discovery.interop.Interop.TIMEOUT;
import static org.opencloud.discovery.interop.Interop.addressOf;
import static org.opencloud.discovery.interop.Interop.await;
import static org.opencloud.discovery.interop.Interop.awaitTrue;
import static org.opencloud.discovery.interop.Interop.config;
import static org.opencloud.discovery.interop.Interop.echo;
import static org.opencloud.discovery.interop.Interop.serveEcho;
import static org.opencloud.discovery.p2p.rcmgr.Resource.MEMORY;

/**
 * The resource manager between Java hosts over loopback TCP: a peer that writes more than the application
 * consumes stalls at its memory budget, what it cannot open is reset, others are served, and everything
 * comes back when it goes.
 */
class HostMemoryLimitTest {
    private static final String SINK = "/sink/1.0";
    private static final int MIB = 1 << 20;
    private final List<Host> hosts = new ArrayList<>();
    private final List<CompletableFuture<byte[]>> sunk = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        hosts.forEach(Host::close);
    }

    /** A server whose SINK reads each message to its end, as a consumer of events does. */
    private Host server(long peerMemory) {
        ResourceLimits d = ResourceLimits.defaults();
        ScopeLimit peer = new ScopeLimit(8, 8, 256, 256, peerMemory);
        Host h = started(config(null).resourceLimits(new ResourceLimits(d.host(), d.pending(), peer, d.protocol(),
                d.connection(), d.stream())));
        h.handle(SINK, s -> {
            CompletableFuture<byte[]> message = s.readToEnd(8 * MIB);
            sunk.add(message);
            message.thenRun(s::closeWrite);
        });
        return h;
    }

    private Host started(HostConfig config) {
        Host h = new Host(config);
        StandardProtocols.install(h);
        serveEcho(h);
        hosts.add(h);
        return h.start();
    }

    @Test
    void aPeerWritingMoreThanTheApplicationConsumesStallsAtItsBudgetWhileAnotherPeerIsServed() {
        Host server = server(4 * MIB);
        Host flooder = started(config(null));
        Host witness = started(config(null));
        MaxMemory peerMax = new MaxMemory(server.resources(), flooder.peerId());

        List<CompletableFuture<Stream>> opens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            opens.add(flooder.newStream(addressOf(server), List.of(SINK)));
        }
        List<Future<Void>> writes = new ArrayList<>();
        int refused = 0;
        for (CompletableFuture<Stream> open : opens) {
            Stream s = open.handle((stream, e) -> stream).join();
            if (s == null) {
                refused++;
            } else {
                writes.add(s.write(Unpooled.wrappedBuffer(new byte[4 * MIB]))); // never finished
            }
        }
        awaitTrue(TIMEOUT, "the flooder's streams hold the peer's budget: no room for another 256 KiB window",
                () -> server.resources().peerUsage(flooder.peerId()).memory() > 4 * MIB - 256 * 1024);
        assertTrue(writes.size() <= 16 && refused >= 24, writes.size() + " streams admitted (4 MiB hold 16 initial"
                + " windows at most), " + refused + " reset at open");
        assertTrue(server.resources().refusals(ScopeKind.PEER, MEMORY) >= refused);

        byte[] event = new byte[MIB];
        new Random(1).nextBytes(event);
        assertArrayEquals(event, echo(witness, addressOf(server), event), "another peer's 1 MiB is served");

        assertTrue(writes.stream().noneMatch(Future::isDone), "the flooder's writes wait for credit");
        assertTrue(sunk.stream().noneMatch(CompletableFuture::isDone));
        peerMax.stop();
        assertTrue(peerMax.max() <= 4 * MIB, "the flooder held " + peerMax.max() + " bytes at most");

        flooder.close();
        awaitTrue(TIMEOUT, "the flooder's scope is gone",
                () -> server.resources().peerUsage(flooder.peerId()).isEmpty());
        witness.close();
        awaitTrue(TIMEOUT, "the server holds nothing", () -> server.resources().hostUsage().isEmpty());
    }

    @Test
    void creditHeldBackIsGrantedOnceTheApplicationConsumesAMessage() {
        Host server = server(3 * MIB);
        Host client = started(config(null));
        Stream first = await(client.newStream(addressOf(server), List.of(SINK)));
        byte[] firstMessage = new byte[3 * MIB / 2];
        Arrays.fill(firstMessage, (byte) 1);
        assertTrue(first.write(Unpooled.wrappedBuffer(firstMessage)).awaitUninterruptibly(TIMEOUT.toMillis()));
        long refusalsBefore = server.resources().refusals(ScopeKind.PEER, MEMORY);

        Stream second = await(client.newStream(addressOf(server), List.of(SINK)));
        byte[] secondMessage = new byte[2 * MIB];
        Arrays.fill(secondMessage, (byte) 2);
        Future<Void> secondWrite = second.write(Unpooled.wrappedBuffer(secondMessage));
        second.closeWrite();
        awaitTrue(TIMEOUT, "the second message stalls: the first holds half the peer's budget",
                () -> server.resources().refusals(ScopeKind.PEER, MEMORY) > refusalsBefore);
        assertFalse(secondWrite.isDone());
        assertTrue(server.resources().peerUsage(client.peerId()).memory() <= 3 * MIB);

        first.closeWrite(); // the first message ends: the application takes it and its memory comes back
        awaitTrue(TIMEOUT, "both messages read", () -> sunk.size() == 2 && sunk.stream().allMatch(CompletableFuture::isDone));
        assertArrayEquals(firstMessage, sunk.get(0).join());
        assertArrayEquals(secondMessage, sunk.get(1).join());
        awaitTrue(TIMEOUT, "both streams closed and released",
                () -> server.resources().peerUsage(client.peerId()).equals(new ResourceUsage(0, 1, 0, 0, 0))
                        || server.resources().peerUsage(client.peerId()).equals(new ResourceUsage(1, 0, 0, 0, 0)));
    }

    /** Samples a peer's reserved memory on its own thread, keeping the highest value seen. */
    private static final class MaxMemory {
        private final AtomicLong max = new AtomicLong();
        private volatile boolean running = true;
        private final Thread thread;

        MaxMemory(ResourceManager resources, PeerId peer) {
            thread = new Thread(() -> {
                while (running) {
                    max.accumulateAndGet(resources.peerUsage(peer).memory(), Math::max);
                    Thread.onSpinWait();
                }
            }, "memory-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        long max() {
            return max.get();
        }
    }
}
