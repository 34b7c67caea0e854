package org.opencloud.discovery.e2e;

import io.nats.client.Connection;
import io.nats.client.JetStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/**
 * An app on a node's NATS: publishes events on {@code PROPALGATION_EVENT} in the background at a steady rate (each at
 * its due time, so a slow moment is caught up), plain or with a JetStream publish whose acknowledgement says that the
 * server stored the event; the test follows how far it got and learns which events the server accepted.
 */
final class PacedPublisher {
    private static final String SUBJECT = "PROPALGATION_EVENT";
    /** Beyond the due time of the awaited event: the suite shares its cores. */
    private static final Duration LATE = Duration.ofSeconds(60);

    private final int rate;
    private final long start = System.nanoTime();
    private final AtomicInteger published = new AtomicInteger();
    private final CompletableFuture<Set<Integer>> done;

    private PacedPublisher(Connection app, List<byte[]> events, int rate, Predicate<byte[]> accepted) {
        this.rate = rate;
        done = CompletableFuture.supplyAsync(() -> {
            Set<Integer> stored = new TreeSet<>();
            for (int i = 0; i < events.size(); i++) {
                NodeFixture.sleep(Duration.ofNanos(Math.max(0, due(i) - System.nanoTime())));
                if (accepted.test(events.get(i))) {
                    stored.add(i);
                }
                published.incrementAndGet();
            }
            try {
                app.flush(Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new IllegalStateException("the app's events did not reach the node's NATS", e);
            }
            return stored;
        });
    }

    /** Plain NATS publishes, as an app does: every event counts as accepted. */
    static PacedPublisher plain(Connection app, List<byte[]> events, int rate) {
        return new PacedPublisher(app, events, rate, event -> {
            app.publish(SUBJECT, event);
            return true;
        });
    }

    /** JetStream publishes: an event counts as accepted when the server said it stored it (not while it was down). */
    static PacedPublisher confirmed(Connection app, List<byte[]> events, int rate) {
        JetStream jetStream;
        try {
            jetStream = app.jetStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new PacedPublisher(app, events, rate, event -> {
            try {
                jetStream.publish(SUBJECT, event);
                return true;
            } catch (Exception serverDown) {
                return false;
            }
        });
    }

    /** {@code count} PB_CREATE events of resources {@code r-<i>} from {@code some-app}, in order. */
    static List<byte[]> creates(int count) {
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(propagationEvent("some-app", "PB_CREATE", "DATA_RESOURCE", "{\"id\":\"r-" + i + "\"}", false)
                    .getBytes(StandardCharsets.UTF_8));
        }
        return events;
    }

    private long due(int event) {
        return start + event * 1_000_000_000L / rate;
    }

    /** Until {@code count} events were published, failing a minute after the last of them was due. */
    void awaitPublished(int count) {
        long deadline = due(count) + LATE.toNanos();
        while (published.get() < count) {
            assertTrue(System.nanoTime() < deadline, "published only " + published.get() + " of " + count);
            NodeFixture.sleep(Duration.ofMillis(10));
        }
    }

    /** Once every event was published and flushed: the indices of those the server accepted, in order. */
    Set<Integer> accepted() throws InterruptedException, ExecutionException {
        return done.get();
    }
}
