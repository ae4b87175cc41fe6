package dev.junction.core.store;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One listener for several writes: tells {@code whenAll} once every one of them is stored, or at the first
 * failure (once either way). Give this same object as the listener of each write.
 */
public final class StoreCountdown implements StoreListener {
    private final AtomicInteger remaining;
    private final StoreListener whenAll;

    public StoreCountdown(int writes, StoreListener whenAll) {
        this.remaining = new AtomicInteger(writes);
        this.whenAll = whenAll;
        if (writes == 0) {
            whenAll.stored(null);
        }
    }

    @Override
    public void stored(Throwable failure) {
        if (failure != null) {
            if (remaining.getAndSet(-1) > 0) {
                whenAll.stored(failure);
            }
        } else if (remaining.decrementAndGet() == 0) {
            whenAll.stored(null);
        }
    }
}
