package dev.junction.server;

import dev.junction.core.message.Message;
import dev.junction.core.store.Definition;
import dev.junction.core.store.DefinitionStore;
import dev.junction.core.store.MessageStore;
import dev.junction.core.store.Recovered;
import dev.junction.core.store.Storage;
import dev.junction.core.store.StoreListener;
import dev.junction.core.store.StoredMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A storage engine whose message writes and protocol state records complete when the test says so (topology
 * definitions complete at once), the way a slow disk (or a failing one)
 * would complete them: lets a test see what a protocol does while a write is outstanding. Keeps nothing.
 */
public final class GatedStorage implements Storage, DefinitionStore, MessageStore {
    private final AtomicLong ids = new AtomicLong();
    private final List<StoreListener> waiting = new ArrayList<>();
    private boolean holding;

    /** From now on writes wait for {@link #complete} or {@link #fail}. */
    public synchronized void hold() {
        holding = true;
    }

    public synchronized int waitingWrites() {
        return waiting.size();
    }

    /** Completes the waiting writes successfully and lets later ones complete at once. */
    public void complete() {
        for (StoreListener listener : release()) {
            listener.stored(null);
        }
    }

    /** Fails the waiting writes and lets later ones complete at once. */
    public void fail(Throwable failure) {
        for (StoreListener listener : release()) {
            listener.stored(failure);
        }
    }

    private synchronized List<StoreListener> release() {
        holding = false;
        List<StoreListener> released = List.copyOf(waiting);
        waiting.clear();
        return released;
    }

    @Override
    public StoredMessage write(Message message, long[] queueIds, StoreListener listener) {
        completeOrHold(listener);
        return null;
    }

    private void completeOrHold(StoreListener listener) {
        synchronized (this) {
            if (holding) {
                waiting.add(listener);
                return;
            }
        }
        listener.stored(null);
    }

    @Override
    public void settle(StoredMessage message, long queueId) {
    }

    @Override
    public long put(Definition definition, StoreListener listener) {
        completeOrHoldState(definition, listener);
        return ids.incrementAndGet();
    }

    @Override
    public void remove(Definition definition, StoreListener listener) {
        completeOrHoldState(definition, listener);
    }

    private void completeOrHoldState(Definition definition, StoreListener listener) {
        if (definition instanceof Definition.StateRecord) {
            completeOrHold(listener);
        } else {
            listener.stored(null);
        }
    }

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
    public void close() {
    }
}
