package dev.junction.core.store.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the log currently refuses writes after an I/O failure. A failure makes it refuse for
 * {@link #RETRY_AFTER_NANOS}; the first write after that is a real attempt, and its success clears the failure. A
 * failure that left the files in an unknown state makes it refuse until the log is reopened.
 * Confined to the writer thread except {@link #writable()}.
 */
final class WriteFailure {

    private static final Logger LOG = LoggerFactory.getLogger(WriteFailure.class);

    static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path directory;
    private LogUnavailableException refusal;
    private boolean untilReopened;
    private long retryAtNanos;
    private volatile boolean writable = true;

    WriteFailure(Path directory) {
        this.directory = directory;
    }

    /** @param untilReopened the failed write could not be undone, so no retry can be trusted */
    void failed(IOException cause, boolean untilReopened) {
        this.untilReopened |= untilReopened;
        retryAtNanos = System.nanoTime() + RETRY_AFTER_NANOS;
        refusal = new LogUnavailableException(this.untilReopened
                ? "log in " + directory + " refuses writes until reopened: a failed write could not be undone"
                : "log in " + directory + " refuses writes for a second after an I/O failure", cause);
        writable = false;
        LOG.error("Log write in {} failed; {}", directory, refusal.getMessage(), cause);
    }

    void succeeded() {
        if (refusal != null) {
            LOG.info("Log writes in {} succeed again", directory);
            refusal = null;
            writable = true;
        }
    }

    boolean refusing() {
        return refusal != null && (untilReopened || System.nanoTime() - retryAtNanos < 0);
    }

    /** What refused requests fail with; only while {@link #refusing()}. */
    LogUnavailableException refusal() {
        return refusal;
    }

    /** Any thread. */
    boolean writable() {
        return writable;
    }
}
