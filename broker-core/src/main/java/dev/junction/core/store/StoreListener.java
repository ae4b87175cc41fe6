package dev.junction.core.store;

/**
 * Learns when a message is safely stored for every durable queue it was routed to. Called once, on the store's
 * writer thread (or on the publisher's thread when nothing needed writing): hand the outcome over, never block.
 */
@FunctionalInterface
public interface StoreListener {
    StoreListener NONE = failure -> {
    };

    /** @param failure null when stored as the fsync policy promises; otherwise why it was not (nothing was kept) */
    void stored(Throwable failure);
}
