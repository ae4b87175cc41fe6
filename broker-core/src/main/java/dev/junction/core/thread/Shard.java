package dev.junction.core.thread;

import org.jctools.queues.MpscUnboundedXaddArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One owner thread. Queues (and later persistent sessions) are pinned to a shard and all their state is touched
 * on its thread alone, so they need no locks; other threads hand work over through a lock-free MPSC queue.
 * The thread parks when idle and is woken only by the submission that finds it parked, so a busy shard
 * drains whole batches without any wake-up cost.
 */
public final class Shard implements Executor, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Shard.class);
    private static final int CHUNK = 1024;

    private final MpscUnboundedXaddArrayQueue<Runnable> tasks = new MpscUnboundedXaddArrayQueue<>(CHUNK);
    private final Thread thread;
    private volatile boolean parked;
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

    public boolean inShardThread() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        while (running || !tasks.isEmpty()) {
            int drained = tasks.drain(Shard::runSafely);
            if (drained == 0) {
                parked = true;
                // Re-check after announcing the park, so a submission racing with it is never missed.
                if (tasks.isEmpty() && running) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                }
                parked = false;
            }
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
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
