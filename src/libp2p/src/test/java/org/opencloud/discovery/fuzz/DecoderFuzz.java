package org.opencloud.discovery.fuzz;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One decoder under fuzzing: runs each input through it on a worker thread with a deadline, and fails
 * unless the decoder returned or threw one of its documented rejections (anything else, such as a
 * NullPointerException, an IndexOutOfBoundsException, a StackOverflowError or an OutOfMemoryError, is a
 * finding), finished within the deadline, and allocated at most {@code fixedBytes + perInputByte × input
 * length} bytes, measured for that call on its thread by {@link com.sun.management.ThreadMXBean} (an input
 * over the bound runs a second time, since a code path's first run also loads classes). A frame
 * header that claims 2 GiB must therefore be refused without allocating it. Keeps counts for the summary a
 * fuzz test prints after its properties.
 */
public final class DecoderFuzz {

    /** The decoder applied to one input; whatever it returns is checked by the caller's own assertions. */
    @FunctionalInterface
    public interface Decoder {
        void decode(byte[] input) throws Exception;
    }

    /** Long enough never to fire on a loaded machine for inputs of a few KiB; a loop that never ends hits it. */
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final String name;
    private final List<Class<? extends Throwable>> rejections;
    private final long fixedBytes;
    private final long perInputByte;
    private final AtomicLong inputs = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong maxAllocated = new AtomicLong();
    private final AtomicLong maxAllocatedInput = new AtomicLong();
    private ExecutorService worker = newWorker();

    private DecoderFuzz(String name, List<Class<? extends Throwable>> rejections, long fixedBytes, long perInputByte) {
        this.name = name;
        this.rejections = rejections;
        this.fixedBytes = fixedBytes;
        this.perInputByte = perInputByte;
    }

    /**
     * @param name         how the summary names the decoder
     * @param fixedBytes   allocation allowed whatever the input (the decoder's constant cost)
     * @param perInputByte allocation allowed per input byte
     * @param rejections   the exception types the decoder documents for bad input
     */
    @SafeVarargs
    public static DecoderFuzz of(String name, long fixedBytes, long perInputByte,
                                 Class<? extends Throwable>... rejections) {
        return new DecoderFuzz(name, List.of(rejections), fixedBytes, perInputByte);
    }

    /**
     * Runs {@code decoder} on {@code input} and checks the outcome.
     *
     * @return true when the decoder accepted the input, false when it threw a documented rejection
     * @throws AssertionError on any other outcome
     */
    public boolean check(byte[] input, Decoder decoder) {
        Outcome outcome = run(input, decoder);
        long bound = fixedBytes + perInputByte * input.length;
        if (outcome.allocated > bound) {
            // once more: a path's first run also loads its classes and fills caches, which the bound is not for
            outcome = run(input, decoder);
        }
        inputs.incrementAndGet();
        maxAllocated.accumulateAndGet(outcome.allocated, (max, value) -> {
            if (value > max) {
                maxAllocatedInput.set(input.length);
                return value;
            }
            return max;
        });
        if (outcome.allocated > bound) {
            throw new AssertionError(name + " allocated " + outcome.allocated + " bytes for an input of "
                    + input.length + " bytes (bound " + bound + ")" + describe(input));
        }
        if (outcome.thrown == null) {
            return true;
        }
        for (Class<? extends Throwable> rejection : rejections) {
            if (rejection.isInstance(outcome.thrown)) {
                rejected.incrementAndGet();
                return false;
            }
        }
        throw new AssertionError(name + " threw " + outcome.thrown + ", none of " + rejections + describe(input),
                outcome.thrown);
    }

    /** Bytes allocated so far by the calling thread: for a regression test's own allocation check. */
    public static long allocatedByThisThread() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** One line: inputs run, accepted and rejected, and the largest allocation of one call. */
    public String summary() {
        long n = inputs.get();
        long r = rejected.get();
        return String.format("fuzz %-34s %,9d inputs: %,9d accepted, %,9d rejected; largest allocation %,d bytes"
                        + " (input of %,d bytes)", name, n, n - r, r, maxAllocated.get(), maxAllocatedInput.get());
    }

    private Outcome run(byte[] input, Decoder decoder) {
        Future<Outcome> future = worker.submit(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            Throwable thrown = null;
            try {
                decoder.decode(input);
            } catch (Throwable t) {
                thrown = t;
            }
            return new Outcome(THREADS.getCurrentThreadAllocatedBytes() - before, thrown);
        });
        try {
            return future.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread is abandoned; later inputs get a fresh one
            throw new AssertionError(name + " did not finish within " + DEADLINE + describe(input));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(name + ": the harness failed", e.getCause());
        }
    }

    private static String describe(byte[] input) {
        StringBuilder hex = new StringBuilder(": input (").append(input.length).append(" bytes) ");
        for (int i = 0; i < Math.min(input.length, 256); i++) {
            hex.append(String.format("%02x", input[i]));
        }
        return input.length > 256 ? hex.append("…").toString() : hex.toString();
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-decoder");
            t.setDaemon(true);
            return t;
        });
    }

    private record Outcome(long allocated, Throwable thrown) {
    }
}
