package dev.junction.core.store;

/**
 * An engine's handle on one written message: its record, the durable queues it was written for, and which of them
 * have settled it. Settles come from the queues' shard threads; this message's own monitor orders them (it is
 * never shared between messages, so no global lock is taken).
 */
public final class StoredMessage {
    /** Marks a queue settled without a settle record of its own (the last one, or the records are gone). */
    private static final long SETTLED = -1;

    private final long recordId;
    private final long[] queueIds;
    /** Per queue: 0 while it holds the message, else the settle record written for it (or {@link #SETTLED}). */
    private final long[] settleRecords;
    private int remaining;

    public StoredMessage(long recordId, long[] queueIds) {
        this.recordId = recordId;
        this.queueIds = queueIds;
        this.settleRecords = new long[queueIds.length];
        this.remaining = queueIds.length;
    }

    public long recordId() {
        return recordId;
    }

    /** Whether the message was written for several queues, which then share this handle to count their settles. */
    public boolean isShared() {
        return queueIds.length > 1;
    }

    /** What a log-like engine writes when a queue settles. */
    public interface SettleWriter {
        /** Another queue still holds the message: write a settle record for this queue, return its id. */
        long writeSettle(long messageRecordId, long queueId);

        /** The last queue settled: drop the message record and the settle records written before. */
        void releaseAll(long messageRecordId, long[] settleRecords);
    }

    /** Settles the message in one queue; a queue it was not written for, or settled already, changes nothing. */
    public void settle(long queueId, SettleWriter writer) {
        long[] written;
        synchronized (this) {
            int index = indexOf(queueId);
            if (index < 0 || settleRecords[index] != 0) {
                return;
            }
            if (--remaining > 0) {
                // Written under the monitor, so the last settler is sure to see this record and release it.
                settleRecords[index] = writer.writeSettle(recordId, queueId);
                return;
            }
            settleRecords[index] = SETTLED;
            written = writtenSettles();
        }
        writer.releaseAll(recordId, written);
    }

    private long[] writtenSettles() {
        int count = 0;
        for (long record : settleRecords) {
            if (record > 0) {
                count++;
            }
        }
        long[] written = new long[count];
        count = 0;
        for (long record : settleRecords) {
            if (record > 0) {
                written[count++] = record;
            }
        }
        return written;
    }

    /** For engines at recovery: the queue with this id had settled the message with {@code settleRecord}. */
    public synchronized void recoverSettled(long queueId, long settleRecord) {
        int index = indexOf(queueId);
        if (index >= 0 && settleRecords[index] == 0) {
            settleRecords[index] = settleRecord;
            remaining--;
        }
    }

    /** The queues that have not settled the message, in the order it was written for them. */
    public synchronized long[] holders() {
        long[] holders = new long[remaining];
        int count = 0;
        for (int i = 0; i < queueIds.length; i++) {
            if (settleRecords[i] == 0) {
                holders[count++] = queueIds[i];
            }
        }
        return holders;
    }

    private int indexOf(long queueId) {
        for (int i = 0; i < queueIds.length; i++) {
            if (queueIds[i] == queueId) {
                return i;
            }
        }
        return -1;
    }
}
