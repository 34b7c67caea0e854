package org.opencloud.discovery.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Raises some loggers to ERROR while a fuzz test runs: handlers warn once per refused connection, which is
 * right for a node and thousands of lines for a fuzz run. Restored by {@link #close()}.
 */
public final class QuietLog implements AutoCloseable {
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();

    private QuietLog() {
    }

    public static QuietLog of(Class<?>... owners) {
        QuietLog quiet = new QuietLog();
        for (Class<?> owner : owners) {
            Logger logger = (Logger) LoggerFactory.getLogger(owner);
            quiet.loggers.add(logger);
            quiet.levels.add(logger.getLevel());
            logger.setLevel(Level.ERROR);
        }
        return quiet;
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).setLevel(levels.get(i));
        }
    }
}
