package dev.junction.core.store.log;

import java.util.concurrent.CompletableFuture;

/**
 * Learns the outcome of an append or release.
 *
 * <p>Invoked on the log's single writer thread, once per request. Every other write waits while it runs, so an
 * implementation must only hand the outcome over (complete a future, enqueue a task on an event loop) and never
 * block or do I/O. An exception thrown from it is logged and otherwise ignored.
 */
@FunctionalInterface
public interface WriteListener {

    /**
     * @param recordId the record appended, or the record whose release was requested
     * @param failure  {@code null} when the request is durable as the {@link FsyncPolicy} promises (for a
     *                 {@link Durability#DEFERRED} request under {@code always}: written); otherwise why it
     *                 is not: an {@link java.io.IOException} from the disk, {@link LogUnavailableException} while the
     *                 log refuses writes, {@link LogClosedException}, or {@link IllegalArgumentException} for the
     *                 release of a record that is not live. A failed request left no trace in the log.
     */
    void onComplete(long recordId, Throwable failure);

    /** Blocking convenience (tests, tools): completes {@code future} with the record id or the failure. */
    static WriteListener completing(CompletableFuture<Long> future) {
        return (recordId, failure) -> {
            if (failure == null) {
                future.complete(recordId);
            } else {
                future.completeExceptionally(failure);
            }
        };
    }
}
