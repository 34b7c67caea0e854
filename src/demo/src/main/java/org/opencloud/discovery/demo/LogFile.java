package org.opencloud.discovery.demo;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * Sends everything logged in this JVM to one file, so that the demo's stdout tells only its story.
 * Logback is reconfigured rather than chosen at startup, so the demo's file wins over whichever
 * configuration logback found first (the node's logback.xml, a test's logback-test.xml).
 */
final class LogFile {
    private LogFile() {
    }

    static void captureAll(Path file) throws JoranException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        context.putProperty("DEMO_LOG", file.toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogFile.class.getResource("/logback-demo.xml"));
        new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
        // the NATS client (jnats) reports connection trouble through java.util.logging, which prints to stderr
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.addHandler(new ToSlf4j());
    }

    /** Hands java.util.logging records to slf4j, hence to the same file. */
    private static final class ToSlf4j extends Handler {
        ToSlf4j() {
            setFormatter(new SimpleFormatter());
        }

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            Logger logger = LoggerFactory.getLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
            String message = getFormatter().formatMessage(record);
            int level = record.getLevel().intValue();
            if (level >= Level.SEVERE.intValue()) {
                logger.error(message, record.getThrown());
            } else if (level >= Level.WARNING.intValue()) {
                logger.warn(message, record.getThrown());
            } else if (level >= Level.INFO.intValue()) {
                logger.info(message, record.getThrown());
            } else {
                logger.debug(message, record.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
