package dev.junction.server.amqp;

import dev.junction.core.store.StoreListener;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits for the store to complete a batch of publishes (a transaction's): each publish gets the listener from
 * {@link #add()}; {@link #whenAllStored()} closes the batch. The first failure fails the whole batch.
 */
final class StoredTogether implements StoreListener {
    private final CompletableFuture<Void> all = new CompletableFuture<>();
    /** One for each publish not yet stored, plus one until the batch is closed. */
    private final AtomicInteger remaining = new AtomicInteger(1);

    StoreListener add() {
        remaining.incrementAndGet();
        return this;
    }

    /** Closes the batch. */
    CompletableFuture<Void> whenAllStored() {
        stored(null);
        return all;
    }

    @Override
    public void stored(Throwable failure) {
        if (failure != null) {
            all.completeExceptionally(failure);
        } else if (remaining.decrementAndGet() == 0) {
            all.complete(null);
        }
    }
}
