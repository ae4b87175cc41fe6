package dev.junction.core.thread;

import org.jctools.queues.MpscUnboundedXaddArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One owner thread. Queues (and later persistent sessions) are pinned to a shard and all their state is touched
 * on its thread alone, so they need no locks; other threads hand work over through a lock-free MPSC queue.
 * The thread parks when idle and is woken only by the submission that finds it parked, so a busy shard
 * drains whole batches without any wake-up cost.
 */
public final class Shard implements OwnerThread, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Shard.class);
    private static final int CHUNK = 1024;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final MpscUnboundedXaddArrayQueue<Runnable> tasks = new MpscUnboundedXaddArrayQueue<>(CHUNK);
    private final Thread thread;
    /** Timers are touched on the shard thread only, so they need no lock. */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private volatile boolean parked;
    private volatile long failedTasks;
    private volatile boolean running = true;

    public Shard(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        if (!running) {
            throw new IllegalStateException(thread.getName() + " is stopped");
        }
        tasks.offer(task);
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Tasks that threw: each is a bug, logged where it happened; exposed so tests and metrics can see them. */
    public long failedTasks() {
        return failedTasks;
    }

    @Override
    public boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void scheduleAt(long deadlineNanos, Runnable task) {
        if (!isCurrentThread()) {
            throw new IllegalStateException("timers are scheduled from " + thread.getName() + " only");
        }
        timers.add(new Timer(deadlineNanos, task));
    }

    private record Timer(long deadlineNanos, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            return Long.compare(deadlineNanos - other.deadlineNanos, 0);
        }
    }

    /** Runs the due timers and returns how long until the next one (at most the idle park time). */
    private long runDueTimers() {
        long now = System.nanoTime();
        Timer next;
        while ((next = timers.peek()) != null && next.deadlineNanos - now <= 0) {
            timers.poll();
            runSafely(next.task);
        }
        return next == null ? IDLE_PARK_NANOS : Math.min(IDLE_PARK_NANOS, next.deadlineNanos - now);
    }

    private void run() {
        while (running || !tasks.isEmpty()) {
            int drained = tasks.drain(this::runSafely);
            long untilNextTimer = runDueTimers();
            if (drained == 0) {
                parked = true;
                // Re-check after announcing the park, so a submission racing with it is never missed.
                if (tasks.isEmpty() && running) {
                    LockSupport.parkNanos(this, untilNextTimer);
                }
                parked = false;
            }
        }
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            failedTasks++;
            log.error("Task failed on shard {}", Thread.currentThread().getName(), e);
        }
    }

    /** Stops taking work, runs what was already submitted, and waits for the thread to end. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
