package dev.junction.core.store;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The unsettled persistent messages a previous run left, in the order they were written, without their bodies: per
 * message its record id (its body, routing and properties are read back from it through {@link MessagePages}), body
 * size, priority and expiration, and the durable queues that still hold it. Kept in primitive columns (about 30
 * bytes a message) so that a backlog far larger than the heap can be recovered. A message written for one queue
 * only needs no handle until it is settled; one shared by several queues keeps its {@link StoredMessage}, which
 * counts their settles.
 */
public final class RecoveredMessages {
    public static final RecoveredMessages NONE = new RecoveredMessages();

    private static final int NO_QUEUE = -1;

    private int size;
    private long[] recordIds = new long[0];
    private int[] bodySizes = new int[0];
    private int[] priorities = new int[0];
    private long[] expirations = new long[0];
    /** The one queue a message was written for; {@link #NO_QUEUE} when it was several (see {@link #shared}). */
    private long[] soleQueues = new long[0];
    private final Map<Long, StoredMessage> shared = new HashMap<>();

    /**
     * For engines at recovery, in write order. {@code priority} and {@code expirationMillis} are -1 when the message
     * has none.
     */
    public void add(long recordId, int bodySize, int priority, long expirationMillis, long[] queueIds) {
        if (size == recordIds.length) {
            int capacity = Math.max(16, size * 2);
            recordIds = Arrays.copyOf(recordIds, capacity);
            bodySizes = Arrays.copyOf(bodySizes, capacity);
            priorities = Arrays.copyOf(priorities, capacity);
            expirations = Arrays.copyOf(expirations, capacity);
            soleQueues = Arrays.copyOf(soleQueues, capacity);
        }
        recordIds[size] = recordId;
        bodySizes[size] = bodySize;
        priorities[size] = priority;
        expirations[size] = expirationMillis;
        if (queueIds.length == 1) {
            soleQueues[size] = queueIds[0];
        } else {
            soleQueues[size] = NO_QUEUE;
            shared.put(recordId, new StoredMessage(recordId, queueIds));
        }
        size++;
    }

    /** For engines at recovery: the handle of a message written for several queues, to record their settles. */
    public StoredMessage sharedHandleOfRecord(long recordId) {
        return shared.get(recordId);
    }

    /** For engines at recovery: drops the messages no queue holds any more, and the spare capacity. */
    public void removeSettled() {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            StoredMessage handle = soleQueues[i] == NO_QUEUE ? shared.get(recordIds[i]) : null;
            if (handle != null && handle.holders().length == 0) {
                shared.remove(recordIds[i]);
                continue;
            }
            recordIds[kept] = recordIds[i];
            bodySizes[kept] = bodySizes[i];
            priorities[kept] = priorities[i];
            expirations[kept] = expirations[i];
            soleQueues[kept] = soleQueues[i];
            kept++;
        }
        size = kept;
        recordIds = Arrays.copyOf(recordIds, kept);
        bodySizes = Arrays.copyOf(bodySizes, kept);
        priorities = Arrays.copyOf(priorities, kept);
        expirations = Arrays.copyOf(expirations, kept);
        soleQueues = Arrays.copyOf(soleQueues, kept);
    }

    public int size() {
        return size;
    }

    public long recordId(int index) {
        return recordIds[index];
    }

    public int bodySize(int index) {
        return bodySizes[index];
    }

    /** The message's priority property, or -1. */
    public int priority(int index) {
        return priorities[index];
    }

    /** The message's expiration property in milliseconds, or -1 (none, or not a valid number). */
    public long expirationMillis(int index) {
        return expirations[index];
    }

    /** The queues that had not settled the message, in the order it was written for them. */
    public long[] queueIds(int index) {
        return soleQueues[index] == NO_QUEUE ? shared.get(recordIds[index]).holders()
                : new long[] {soleQueues[index]};
    }

    /** The handle shared by the message's queues, or null when it was written for one queue only. */
    public StoredMessage sharedHandle(int index) {
        return soleQueues[index] == NO_QUEUE ? shared.get(recordIds[index]) : null;
    }

    /** The handle a queue settles the message with: the shared one, or a new one for its only queue. */
    public StoredMessage stored(int index) {
        StoredMessage handle = sharedHandle(index);
        return handle != null ? handle : new StoredMessage(recordIds[index], new long[] {soleQueues[index]});
    }
}
