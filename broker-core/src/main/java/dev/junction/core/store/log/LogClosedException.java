package dev.junction.core.store.log;

import java.io.IOException;

/** A request reached a log that is closing or closed. */
public final class LogClosedException extends IOException {

    public LogClosedException(String message) {
        super(message);
    }
}
