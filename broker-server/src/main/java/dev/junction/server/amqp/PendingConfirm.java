package dev.junction.server.amqp;

import dev.junction.core.store.StoreListener;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Counts the answers for one confirmed publish: each queue's, and the store's once the message is durable in every
 * durable queue. Answers may come, from the queues' and the store's threads, before the publisher knows how many
 * queues there are, so the count starts far from zero and is corrected once the route is known. The outcome is
 * told once, on the channel's event loop.
 */
final class PendingConfirm implements Consumer<Boolean>, StoreListener {
    /** Where the outcome of a confirmed publish goes: the channel's {@link ConfirmTracker}, while it is open. */
    interface Outcome {
        void settled(long sequence, boolean accepted);
    }

    private static final int UNKNOWN = 1 << 30;
    private final long sequence;
    private final Executor loop;
    private final Outcome outcome;
    private final AtomicInteger remaining = new AtomicInteger(UNKNOWN);
    private volatile boolean rejected;

    PendingConfirm(long sequence, Executor loop, Outcome outcome) {
        this.sequence = sequence;
        this.loop = loop;
        this.outcome = outcome;
    }

    /** On the event loop, once the route is known; returns whether the publish reached any queue. */
    boolean published(int queues) {
        if (queues > 0 && remaining.addAndGet(queues + 1 - UNKNOWN) == 0) {
            settle();
        }
        return queues > 0;
    }

    /** A queue's answer, from its thread. */
    @Override
    public void accept(Boolean accepted) {
        if (!accepted) {
            rejected = true;
        }
        if (remaining.decrementAndGet() == 0) {
            loop.execute(this::settle);
        }
    }

    /** The store's answer, from its thread. */
    @Override
    public void stored(Throwable failure) {
        accept(failure == null);
    }

    private void settle() {
        outcome.settled(sequence, !rejected);
    }
}
