package org.opencloud.discovery.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.SynchronousQueue;

/**
 * What one hand-over between two threads costs on this machine, measured beside the benchmark's rows: a value
 * passed to a waiting thread and back, again and again. The propagation chain hands each event over between
 * threads several times (NATS's reader and dispatcher, Netty's event loops, the confirmations), so this figure
 * explains much of how CPU per event differs between machines of the same core count.
 */
final class ThreadHandOff {
    private ThreadHandOff() {
    }

    /** One line: the round trip's wall time and the process CPU it took, after a warm-up of the same length. */
    static String describe(Duration each) throws InterruptedException {
        SynchronousQueue<Integer> there = new SynchronousQueue<>();
        SynchronousQueue<Integer> back = new SynchronousQueue<>();
        Thread echo = new Thread(() -> {
            try {
                while (true) {
                    back.put(there.take());
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        }, "hand-off-echo");
        echo.setDaemon(true);
        echo.start();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try {
            roundTrips(there, back, each); // warm-up: compiled code, threads scheduled
            long cpu = os.getProcessCpuTime();
            long start = System.nanoTime();
            long count = roundTrips(there, back, each);
            double wallMicros = (System.nanoTime() - start) / 1e3 / count;
            double cpuMicros = (os.getProcessCpuTime() - cpu) / 1e3 / count;
            return String.format("thread hand-off: a round trip between two threads takes %.1f us, %.1f us of CPU "
                    + "(two hand-overs; %,d round trips, this JVM)", wallMicros, cpuMicros, count);
        } finally {
            echo.interrupt();
        }
    }

    private static long roundTrips(SynchronousQueue<Integer> there, SynchronousQueue<Integer> back, Duration length)
            throws InterruptedException {
        long deadline = System.nanoTime() + length.toNanos();
        long count = 0;
        while (System.nanoTime() < deadline) {
            there.put(1);
            back.take();
            count++;
        }
        return count;
    }
}
