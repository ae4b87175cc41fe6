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
    long put(Definition definition);

    /** Forgets the definition with this identity, if there is one. */
    void remove(Definition definition);
}
