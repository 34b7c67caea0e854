package org.opencloud.discovery.interop;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Collects the formatted messages of every log event (root logger) while open, so a test can assert
 * that the stack said why it dropped a connection. Thread-safe: events arrive on event loops.
 */
public final class CapturedLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<String> withStackTraces = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    private CapturedLog() {
    }

    public static CapturedLog capture() {
        CapturedLog log = new CapturedLog();
        log.setContext(log.root.getLoggerContext());
        log.setName("captured-" + System.identityHashCode(log));
        log.start();
        log.root.addAppender(log);
        return log;
    }

    @Override
    protected void append(ILoggingEvent event) {
        messages.add(event.getLevel() + " " + event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            withStackTraces.add(event.getLoggerName() + ": " + event.getFormattedMessage());
        }
    }

    /** The messages logged with a stack trace. */
    public List<String> withStackTraces() {
        return List.copyOf(withStackTraces);
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Waits until a message containing every one of {@code parts} was logged, and returns it. */
    public String await(Duration timeout, String... parts) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String m : messages) {
                if (List.of(parts).stream().allMatch(m::contains)) {
                    return m;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log message containing " + List.of(parts) + " within " + timeout
                        + "; logged: " + messages);
            }
            Interop.sleep(Duration.ofMillis(20));
        }
    }

    /** Clears what was captured so far, to look only at what a next step logs. */
    public void clear() {
        messages.clear();
        withStackTraces.clear();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
