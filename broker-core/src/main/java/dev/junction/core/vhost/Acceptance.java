package dev.junction.core.vhost;

import dev.junction.core.queue.PublishRefused;
import dev.junction.core.store.StoreListener;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits for every queue a publish reached to take the message, and for the store, then answers once. The count
 * starts far from zero because queues may answer, on their shard threads, before routing has said how many
 * there are; {@link #arm} then sets the true count.
 */
final class Acceptance implements StoreListener {
    private static final int UNARMED = 1 << 30;

    private final String exchangeName;
    private final StoreListener accepted;
    private final AtomicInteger remaining = new AtomicInteger(UNARMED);
    private volatile Throwable failure;

    Acceptance(String exchangeName, StoreListener accepted) {
        this.exchangeName = exchangeName;
        this.accepted = accepted;
    }

    void queueAnswered(boolean took) {
        if (!took && failure == null) {
            failure = new PublishRefused("a queue bound to exchange '" + exchangeName + "' refused the message");
        }
        countDown();
    }

    /** The store's answer; its failure outranks a refusal, since it is the one that must close a connection. */
    @Override
    public void stored(Throwable storeFailure) {
        if (storeFailure != null) {
            failure = storeFailure;
        }
        countDown();
    }

    /** Routing reached {@code queues} queues; the store answers once more. */
    void arm(int queues) {
        if (remaining.addAndGet(queues + 1 - UNARMED) == 0) {
            accepted.stored(failure);
        }
    }

    private void countDown() {
        if (remaining.decrementAndGet() == 0) {
            accepted.stored(failure);
        }
    }
}
