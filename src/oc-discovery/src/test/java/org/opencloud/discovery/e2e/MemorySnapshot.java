package org.opencloud.discovery.e2e;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * What this JVM holds, as an attack test reports it: heap after GC, direct memory (Netty's own count
 * plus the JDK's direct buffers), the share of Netty's default allocator, threads, file descriptors and RSS.
 */
record MemorySnapshot(long heapAfterGc, long direct, long allocatorDirect, int threads, long fds, long rssKib) {

    /** A snapshot after a full GC, so the heap figure is what is still reachable. */
    static MemorySnapshot take() {
        System.gc();
        return now();
    }

    private static MemorySnapshot now() {
        Runtime rt = Runtime.getRuntime();
        return new MemorySnapshot(rt.totalMemory() - rt.freeMemory(), directBytes(),
                ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider m ? m.metric().usedDirectMemory() : -1,
                ManagementFactory.getThreadMXBean().getThreadCount(), openFileDescriptors(), residentKib());
    }

    private static long directBytes() {
        long jdk = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return Math.max(0, PlatformDependent.usedDirectMemory()) + jdk; // Netty's cleaner-less buffers are not the JDK's
    }

    private static long openFileDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long residentKib() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Samples direct memory every 10 ms until closed and keeps the snapshot where it was highest. */
    static Peak watchPeak() {
        return new Peak();
    }

    @Override
    public String toString() {
        return String.format("heap %d MiB, direct %d MiB (allocator %d MiB), %d threads, %d fds, RSS %d MiB",
                heapAfterGc >> 20, direct >> 20, allocatorDirect >> 20, threads, fds, rssKib >> 10);
    }

    static final class Peak implements AutoCloseable {
        private final AtomicReference<MemorySnapshot> max = new AtomicReference<>(now());
        private final Thread sampler = new Thread(this::sample, "memory-peak");

        private Peak() {
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            while (!Thread.currentThread().isInterrupted()) {
                MemorySnapshot s = now();
                max.accumulateAndGet(s, (a, b) -> b.direct() > a.direct() ? b : a);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        MemorySnapshot max() {
            return max.get();
        }

        @Override
        public void close() {
            sampler.interrupt();
        }
    }
}
