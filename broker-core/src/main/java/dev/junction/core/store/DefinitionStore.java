package dev.junction.core.store;

/**
 * The durable topology. Writes are issued in the order the virtual host makes them (under its topology lock) and
 * reach the disk in that order, before any message published after them: a message confirmed as stored never
 * names a queue whose definition could be lost.
 */
public interface DefinitionStore {

    /**
     * Records a definition, replacing one with the same identity. Returns the id the store knows it by; for a queue,
     * messages name the queue by this id, so a queue deleted and declared again under the same name never sees the
     * old one's messages.
     */
    default long put(Definition definition) {
        return put(definition, StoreListener.NONE);
    }

    /** Puts as {@link #put(Definition)} does, and tells {@code listener} once the definition is durable. */
    long put(Definition definition, StoreListener listener);

    /** Forgets the definition with this identity, if there is one. */
    default void remove(Definition definition) {
        remove(definition, StoreListener.NONE);
    }

    /**
     * Removes as {@link #remove(Definition)} does, and tells {@code listener} once the removal is durable (at once
     * when there was nothing to remove).
     */
    void remove(Definition definition, StoreListener listener);

    /**
     * Takes a stored definition the broker cannot use out of the topology at recovery, keeping a copy for the
     * operator where the engine can. Returns where the copy is, for the log.
     */
    default String quarantine(Definition definition, String reason) {
        remove(definition);
        return "nowhere: this storage keeps nothing";
    }
}
