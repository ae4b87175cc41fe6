package dev.junction.core.thread;

import java.util.concurrent.Executor;

/**
 * The one thread that owns a queue's state: every task touching it runs here, one at a time, so the queue needs no
 * lock. A {@link Shard} by default; a protocol layer may offer the thread its consumer is served on, so that
 * deliveries reach that consumer without another thread hand-off.
 */
public interface OwnerThread extends Executor {

    /**
     * Runs {@code task} on this thread once {@code deadlineNanos} (a {@link System#nanoTime()} value) has passed.
     * Called from this thread only: owners arm their own timers (message TTL, queue expiry).
     */
    void scheduleAt(long deadlineNanos, Runnable task);

    /**
     * Whether the caller runs on this thread. Owned state asserts it on the paths that touch it, so a task that
     * reaches it from another thread fails in tests instead of racing silently.
     */
    boolean isCurrentThread();
}
