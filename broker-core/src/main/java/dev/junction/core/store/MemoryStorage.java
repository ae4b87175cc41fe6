package dev.junction.core.store;

import dev.junction.core.message.Message;

import java.util.concurrent.atomic.AtomicLong;

/** The {@code memory} engine: keeps nothing, so every write is complete at once and nothing is recovered. */
public final class MemoryStorage implements Storage, DefinitionStore, MessageStore {
    private final AtomicLong ids = new AtomicLong();

    @Override
    public DefinitionStore definitions() {
        return this;
    }

    @Override
    public MessageStore messages() {
        return this;
    }

    @Override
    public Recovered takeRecovered() {
        return Recovered.NOTHING;
    }

    @Override
    public long put(Definition definition) {
        return ids.incrementAndGet();
    }

    @Override
    public void remove(Definition definition) {
    }

    /** Returns null: with nothing written there is nothing for the queues to settle. */
    @Override
    public StoredMessage write(Message message, long[] queueIds, StoreListener listener) {
        listener.stored(null);
        return null;
    }

    @Override
    public void settle(StoredMessage message, long queueId) {
    }

    @Override
    public void close() {
    }
}
