package dev.junction.bench.mqtt;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a {@link DeliveryWindow} to receive everything, bounded twice: by a deadline for the whole phase, and by
 * a stall limit (no delivery for that long), which ends a run against a broker that dropped messages without
 * waiting out the deadline.
 */
record Phase(Duration deadline, Duration stallLimit) {
    private static final long POLL_MILLIS = 100;

    /** @return true if every expected delivery arrived, false if the run was cut short */
    boolean awaitDeliveries(DeliveryWindow window) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        long lastProgress = System.nanoTime();
        long lastDelivered = -1;
        while (System.nanoTime() < end) {
            try {
                window.allDelivered().get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                long delivered = window.delivered();
                if (delivered != lastDelivered) {
                    lastDelivered = delivered;
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
