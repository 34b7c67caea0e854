package org.opencloud.discovery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Publishes 1 KiB resources on one NATS subject and counts them where they arrive (one receiver per
 * partner): throughput with a bounded number of events in flight, and latency at a fixed rate, from
 * the publish to the arrival, read from the send time embedded in the resource.
 */
final class Measurement implements AutoCloseable {
    static final int RESOURCE_BYTES = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENT_FIELD = "sent_nanos";

    /** Where one publish is expected to arrive: a subject on one NATS connection. */
    record Receiver(Connection connection, String subject) {
    }

    /**
     * @param deliveredInWindow  events that reached every receiver during the measured window
     * @param deliveriesInWindow arrivals during the window, all receivers together
     * @param clockDeltas        how far each clock given to {@link #throughput} advanced during the window
     */
    record Throughput(double eventsPerSecond, long published, long deliveredToAll, long deliveredInWindow,
                      long deliveriesInWindow, long[] clockDeltas) {
    }

    /** @param clockDeltas how far each clock given to {@link #latency} advanced from the first publish to the last arrival */
    record Latency(double p50Millis, double p99Millis, int samples, int expectedSamples, long[] clockDeltas) {
    }

    private final Connection publisher;
    private final String subject;
    private final LongFunction<byte[]> messageForSendTime;
    private final AtomicLong[] arrivals;
    private final List<Receiver> receivers;
    private final List<Dispatcher> dispatchers = new ArrayList<>();
    private volatile long latencySince = Long.MAX_VALUE;
    private final List<Long> latencies = new ArrayList<>();

    /**
     * @param messageForSendTime the NATS body to publish for a resource stamped with that {@link System#nanoTime()}
     */
    Measurement(Connection publisher, String subject, LongFunction<byte[]> messageForSendTime,
                List<Receiver> receivers) throws InterruptedException, TimeoutException {
        this.publisher = publisher;
        this.subject = subject;
        this.messageForSendTime = messageForSendTime;
        this.receivers = receivers;
        this.arrivals = new AtomicLong[receivers.size()];
        for (int i = 0; i < receivers.size(); i++) {
            AtomicLong count = new AtomicLong();
            arrivals[i] = count;
            Receiver receiver = receivers.get(i);
            Dispatcher dispatcher = receiver.connection().createDispatcher(message -> {
                count.incrementAndGet();
                if (latencySince != Long.MAX_VALUE) {
                    recordLatency(System.nanoTime(), message.getData());
                }
            });
            dispatcher.subscribe(receiver.subject());
            dispatchers.add(dispatcher);
            receiver.connection().flush(Duration.ofSeconds(5));
        }
    }

    /** A resource of exactly {@link #RESOURCE_BYTES} bytes of JSON carrying its send time. */
    static String resource(long sentNanos) {
        String head = "{\"id\":\"bench-" + sentNanos + "\",\"name\":\"benchmark resource\",\"" + SENT_FIELD + "\":"
                + sentNanos + ",\"pad\":\"";
        return head + "x".repeat(RESOURCE_BYTES - head.length() - 2) + "\"}";
    }

    /**
     * Publishes as fast as the receivers take it, never more than {@code window} events ahead of the
     * slowest receiver; counts what every receiver got during {@code measure}, after {@code warmup}, and
     * reads {@code clocks} (processes' CPU time) when that window opens and when it closes.
     * Then waits (at most {@code drain}) for everything published to arrive.
     */
    Throughput throughput(Duration warmup, Duration measure, int window, Duration drain, List<LongSupplier> clocks)
            throws InterruptedException {
        long published = 0;
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureUntil = measureFrom + measure.toNanos();
        long deliveredAtStart = -1;
        long deliveriesAtStart = 0;
        long[] clocksAtStart = new long[clocks.size()];
        long now;
        while ((now = System.nanoTime()) < measureUntil) {
            if (deliveredAtStart < 0 && now >= measureFrom) {
                deliveredAtStart = deliveredToAll();
                deliveriesAtStart = deliveries();
                read(clocks, clocksAtStart);
                measureFrom = now;
            }
            if (published - deliveredToAll() < window) {
                publisher.publish(subject, messageForSendTime.apply(now));
                published++;
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
        long deliveredInMeasure = deliveredToAll() - deliveredAtStart;
        long deliveriesInMeasure = deliveries() - deliveriesAtStart;
        long[] clockDeltas = advancedSince(clocks, clocksAtStart);
        double seconds = (System.nanoTime() - measureFrom) / 1e9;
        awaitDelivered(published, drain);
        return new Throughput(deliveredInMeasure / seconds, published, deliveredToAll(), deliveredInMeasure,
                deliveriesInMeasure, clockDeltas);
    }

    private static void read(List<LongSupplier> clocks, long[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = clocks.get(i).getAsLong();
        }
    }

    /** How far each clock advanced since it read {@code atStart}. */
    private static long[] advancedSince(List<LongSupplier> clocks, long[] atStart) {
        long[] deltas = new long[clocks.size()];
        read(clocks, deltas);
        for (int i = 0; i < deltas.length; i++) {
            deltas[i] -= atStart[i];
        }
        return deltas;
    }

    /** Publishes {@code rate} events per second for {@code duration}; every arrival is one sample. */
    Latency latency(int rate, Duration duration, Duration drain, List<LongSupplier> clocks)
            throws InterruptedException {
        synchronized (latencies) {
            latencies.clear();
        }
        long[] clocksAtStart = new long[clocks.size()];
        read(clocks, clocksAtStart);
        long events = duration.toSeconds() * rate;
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        latencySince = start;
        for (long i = 0; i < events; i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            publisher.publish(subject, messageForSendTime.apply(System.nanoTime()));
        }
        // the latency events' own arrivals, not the delivery count: an event of the throughput phase still in
        // flight would count towards that count and end the wait before the last latency event arrived
        long expectedSamples = events * arrivals.length;
        awaitAtLeast(this::latencySamples, expectedSamples, drain);
        latencySince = Long.MAX_VALUE;
        long[] clockDeltas = advancedSince(clocks, clocksAtStart);
        long[] sorted;
        synchronized (latencies) {
            sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        return new Latency(percentileMillis(sorted, 0.50), percentileMillis(sorted, 0.99), sorted.length,
                (int) expectedSamples, clockDeltas);
    }

    private void recordLatency(long arrivedNanos, byte[] body) {
        try {
            long sent = sentNanos(JSON.readTree(body));
            if (sent >= latencySince) {
                synchronized (latencies) {
                    latencies.add(arrivedNanos - sent);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("an arrival without a readable send time", e);
        }
    }

    /** The send time in a resource, in an envelope whose payload is that resource inline or base64. */
    private static long sentNanos(JsonNode node) throws IOException {
        if (node.has(SENT_FIELD)) {
            return node.get(SENT_FIELD).asLong();
        }
        JsonNode payload = node.path("Payload");
        if (payload.isTextual()) {
            return sentNanos(JSON.readTree(Base64.getDecoder().decode(payload.asText())));
        }
        if (payload.isObject()) {
            return sentNanos(payload);
        }
        throw new IOException("no " + SENT_FIELD + " in " + node);
    }

    static double percentileMillis(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
        return sorted[Math.max(index, 0)] / 1e6;
    }

    /** Arrivals, all receivers together. */
    private long deliveries() {
        return Arrays.stream(arrivals).mapToLong(AtomicLong::get).sum();
    }

    /** Events that reached every receiver. */
    long deliveredToAll() {
        return Arrays.stream(arrivals).mapToLong(AtomicLong::get).min().orElse(0);
    }

    private void awaitDelivered(long expected, Duration timeout) throws InterruptedException {
        awaitAtLeast(this::deliveredToAll, expected, timeout);
    }

    private int latencySamples() {
        synchronized (latencies) {
            return latencies.size();
        }
    }

    private static void awaitAtLeast(LongSupplier count, long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < dispatchers.size(); i++) {
            receivers.get(i).connection().closeDispatcher(dispatchers.get(i));
        }
    }
}
