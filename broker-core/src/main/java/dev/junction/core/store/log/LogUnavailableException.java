package dev.junction.core.store.log;

import java.io.IOException;

/** The log refuses writes because an earlier write or fsync failed (typically a full disk); the cause is that failure. */
public final class LogUnavailableException extends IOException {

    public LogUnavailableException(String message, IOException cause) {
        super(message, cause);
    }
}
