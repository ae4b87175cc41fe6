package dev.junction.bench.mqtt;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Waits for a phase of a run to finish (every delivery of a {@link DeliveryWindow}, every SUBACK), bounded twice: by
 * a deadline for the whole phase, and by a stall limit (no progress for that long), which ends a run against a broker
 * that dropped messages without waiting out the deadline.
 */
record Phase(Duration deadline, Duration stallLimit) {
    private static final long POLL_MILLIS = 100;

    /** @return true if every expected delivery arrived, false if the run was cut short */
    boolean awaitDeliveries(DeliveryWindow window) throws InterruptedException {
        return await(window.allDelivered(), window::delivered);
    }

    /**
     * @param done     completes when the phase is over, exceptionally if a load connection failed
     * @param progress a count that grows while the phase makes progress
     * @return true if {@code done} completed, false if the deadline or the stall limit came first
     */
    boolean await(CompletableFuture<?> done, LongSupplier progress) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        long lastProgress = System.nanoTime();
        long lastCount = -1;
        while (System.nanoTime() < end) {
            try {
                done.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                long count = progress.getAsLong();
                if (count != lastCount) {
                    lastCount = count;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > stallLimit.toNanos()) {
                    return false;
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("a load connection failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        return false;
    }
}
