package dev.junction.core.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The unsettled persistent messages a previous run left, in the order they were written, without their bodies: per
 * message its record id (its body, routing and properties are read back from it through {@link MessagePages}), body
 * size, priority, expiration and publish time, and the durable queues that still hold it. Kept in chunks of
 * primitive columns (about 40 bytes a message) so that a backlog far larger than the heap can be recovered, and so
 * that chunks already handed to the queues can be let go of ({@link #discardBefore}). A message written for one
 * queue only needs no handle until it is settled; one shared by several queues keeps its {@link StoredMessage},
 * which counts their settles.
 */
public final class RecoveredMessages {
    /** No message; nothing can be added to it. */
    public static final RecoveredMessages NONE = new RecoveredMessages(List.of());

    /** Messages per chunk. */
    public static final int CHUNK = 1 << 14;
    private static final int NO_QUEUE = -1;

    private static final class Chunk {
        final long[] recordIds = new long[CHUNK];
        final int[] bodySizes = new int[CHUNK];
        final short[] priorities = new short[CHUNK];
        final long[] expirations = new long[CHUNK];
        final long[] publishTimes = new long[CHUNK];
        /** The one queue a message was written for; {@link #NO_QUEUE} when it was several (see {@link #shared}). */
        final long[] soleQueues = new long[CHUNK];
    }

    private final List<Chunk> chunks;
    private int size;
    private final Map<Long, StoredMessage> shared = new HashMap<>();

    public RecoveredMessages() {
        this(new ArrayList<>());
    }

    private RecoveredMessages(List<Chunk> chunks) {
        this.chunks = chunks;
    }

    private Chunk chunk(int index) {
        return chunks.get(index / CHUNK);
    }

    /**
     * For engines at recovery, in write order. {@code priority} (0 to 255) and {@code expirationMillis} are -1 when
     * the message has none; {@code publishedAtMillis} is the wall-clock time it was published, epoch millis.
     */
    public void add(long recordId, int bodySize, int priority, long expirationMillis, long publishedAtMillis,
                    long[] queueIds) {
        if (size == chunks.size() * CHUNK) {
            chunks.add(new Chunk());
        }
        set(size++, recordId, bodySize, (short) priority, expirationMillis, publishedAtMillis,
                queueIds.length == 1 ? queueIds[0] : NO_QUEUE);
        if (queueIds.length != 1) {
            shared.put(recordId, new StoredMessage(recordId, queueIds));
        }
    }

    private void set(int index, long recordId, int bodySize, short priority, long expirationMillis,
                     long publishedAtMillis, long soleQueue) {
        Chunk chunk = chunk(index);
        int slot = index % CHUNK;
        chunk.recordIds[slot] = recordId;
        chunk.bodySizes[slot] = bodySize;
        chunk.priorities[slot] = priority;
        chunk.expirations[slot] = expirationMillis;
        chunk.publishTimes[slot] = publishedAtMillis;
        chunk.soleQueues[slot] = soleQueue;
    }

    /** For engines at recovery: the handle of a message written for several queues, to record their settles. */
    public StoredMessage sharedHandleOfRecord(long recordId) {
        return shared.get(recordId);
    }

    /** For engines at recovery: drops the messages no queue holds any more. */
    public void removeSettled() {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            StoredMessage handle = sharedHandle(i);
            if (handle != null && handle.holders().length == 0) {
                shared.remove(handle.recordId());
                continue;
            }
            Chunk chunk = chunk(i);
            int slot = i % CHUNK;
            set(kept++, chunk.recordIds[slot], chunk.bodySizes[slot], chunk.priorities[slot],
                    chunk.expirations[slot], chunk.publishTimes[slot], chunk.soleQueues[slot]);
        }
        size = kept;
        while (chunks.size() * CHUNK >= size + CHUNK) {
            chunks.remove(chunks.size() - 1);
        }
    }

    /** Lets go of the columns of the messages before {@code index} (whole chunks): they were handed over. */
    public void discardBefore(int index) {
        for (int chunk = 0; chunk < index / CHUNK; chunk++) {
            chunks.set(chunk, null);
        }
    }

    public int size() {
        return size;
    }

    public long recordId(int index) {
        return chunk(index).recordIds[index % CHUNK];
    }

    public int bodySize(int index) {
        return chunk(index).bodySizes[index % CHUNK];
    }

    /** The message's priority property, or -1. */
    public int priority(int index) {
        return chunk(index).priorities[index % CHUNK];
    }

    /** The message's expiration property in milliseconds, or -1 (none, or not a valid number). */
    public long expirationMillis(int index) {
        return chunk(index).expirations[index % CHUNK];
    }

    /** The wall-clock time the message was published, epoch millis (its recovery, for a record without one). */
    public long publishedAtMillis(int index) {
        return chunk(index).publishTimes[index % CHUNK];
    }

    /** The queues that had not settled the message, in the order it was written for them. */
    public long[] queueIds(int index) {
        long soleQueue = chunk(index).soleQueues[index % CHUNK];
        return soleQueue == NO_QUEUE ? shared.get(recordId(index)).holders() : new long[] {soleQueue};
    }

    /** The handle shared by the message's queues, or null when it was written for one queue only. */
    public StoredMessage sharedHandle(int index) {
        return chunk(index).soleQueues[index % CHUNK] == NO_QUEUE ? shared.get(recordId(index)) : null;
    }

    /** The handle a queue settles the message with: the shared one, or a new one for its only queue. */
    public StoredMessage stored(int index) {
        StoredMessage handle = sharedHandle(index);
        return handle != null ? handle : new StoredMessage(recordId(index), queueIds(index));
    }
}
