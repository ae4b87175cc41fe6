package dev.junction.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Applies the {@code log.level} key to logback's root logger, overriding what logback.xml set. */
final class LogLevel {
    private LogLevel() {
    }

    static void applyToRoot(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level));
        }
    }
}
