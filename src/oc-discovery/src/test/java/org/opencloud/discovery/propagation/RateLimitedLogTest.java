package org.opencloud.discovery.propagation;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A flood of rejections costs one line per kind and period, and the next line says how many were not written. */
class RateLimitedLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-log-test");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final AtomicLong now = new AtomicLong();
    private final RateLimitedLog log = new RateLimitedLog(logger, Duration.ofSeconds(1), now::get);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void oneLinePerKindAndPeriodThenTheCountOfTheOthers() {
        for (int i = 0; i < 1000; i++) {
            log.warn("UNKNOWN_PEER", "refused " + i);
        }
        log.warn("BLACKLISTED", "refused b");
        now.addAndGet(Duration.ofMillis(999).toNanos());
        log.warn("UNKNOWN_PEER", "still within the period");
        now.addAndGet(Duration.ofMillis(1).toNanos());
        log.warn("UNKNOWN_PEER", "refused later");

        assertEquals(List.of("refused 0", "refused b", "refused later (+1000 more UNKNOWN_PEER since the last such line)"),
                lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }
}
