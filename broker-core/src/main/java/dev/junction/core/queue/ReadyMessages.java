package dev.junction.core.queue;

import dev.junction.core.message.Message;
import dev.junction.core.queue.QueueEntry.Place;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The messages of a queue waiting for delivery, one level per priority (a single level unless the queue has
 * x-max-priority). Within a level, requeued messages come first in their original order, then new ones in arrival
 * order. Touched on the queue's shard thread only.
 *
 * <p>Paging: the bodies held in memory are bounded by the store's queue memory limit. A new message that does not
 * fit, or that arrives while older ones of its level are paged out, is paged out too: the queue keeps a
 * {@link PagedMessage} and lets go of the body (its persistent record is read back later, or a page record is
 * written first). So each level is an in-memory head followed by a paged tail, and the bodies of the tail are read
 * back in order, ahead of need, as the head is consumed. A level whose head is still being read delivers nothing
 * (nor does any lower level: priority order holds) until the read completes.
 */
final class ReadyMessages {
    private static final Logger LOG = LoggerFactory.getLogger(ReadyMessages.class);
    /** Bodies read back in one store request at most. */
    private static final int READ_BATCH = 256;
    /** Bodies being read back at most; bounds the work of finding the next ones to read. */
    private static final int MAX_READING = 4 * READ_BATCH;

    private final ArrayDeque<QueueEntry>[] fresh;
    /** Per level: entries newer than all of {@link #fresh}'s, bodies paged out (or still being written out). */
    private final ArrayDeque<QueueEntry>[] paged;
    private final PriorityQueue<QueueEntry>[] requeued;
    private final Paging paging;
    private final long memoryLimit;
    private int size;
    private long bytes;
    private int pagedEntries;
    private long memoryBytes;
    private int readingEntries;
    private long readingBytes;
    /** {@link #memoryBytes} for other threads. */
    private final AtomicLong publishedMemoryBytes = new AtomicLong();

    ReadyMessages(int maxPriority) {
        this(maxPriority, Paging.NONE);
    }

    @SuppressWarnings("unchecked")
    ReadyMessages(int maxPriority, Paging paging) {
        this.paging = paging;
        this.memoryLimit = paging.pages().queueMemoryLimit();
        fresh = new ArrayDeque[maxPriority + 1];
        paged = new ArrayDeque[maxPriority + 1];
        requeued = new PriorityQueue[maxPriority + 1];
        for (int level = 0; level <= maxPriority; level++) {
            fresh[level] = new ArrayDeque<>();
            paged[level] = new ArrayDeque<>();
            requeued[level] = new PriorityQueue<>();
        }
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    /**
     * Bytes of the bodies this queue holds in memory for its ready messages, readable from any thread. A body shared
     * with other queues counts fully in each of them; it leaves the heap once all of them let it go.
     */
    long memoryBytes() {
        return publishedMemoryBytes.get();
    }

    boolean isEmpty() {
        return size == 0;
    }

    void addNew(QueueEntry entry) {
        size++;
        bytes += entry.bodySize();
        int level = entry.priority();
        if (paged[level].isEmpty() && memoryBytes + entry.bodySize() <= memoryLimit) {
            fresh[level].add(entry);
            holdInMemory(entry.bodySize());
        } else {
            paged[level].add(entry);
            pagedEntries++;
            pageOut(entry);
        }
    }

    void addRequeued(QueueEntry entry) {
        size++;
        bytes += entry.bodySize();
        entry.place = Place.MEMORY;
        requeued[entry.priority()].add(entry);
        holdInMemory(entry.bodySize());
    }

    private void holdInMemory(long delta) {
        memoryBytes += delta;
        publishedMemoryBytes.lazySet(memoryBytes);
    }

    private void pageOut(QueueEntry entry) {
        entry.place = Place.PAGED;
        Message message = entry.message;
        long storedRecord = paging.storedRecord().applyAsLong(message);
        if (storedRecord >= 0) {
            entry.page = PagedMessage.of(message, storedRecord, false);
            entry.message = null;
            message.release();
            return;
        }
        // Held until the page record is written: until then it is the only copy.
        holdInMemory(entry.bodySize());
        long pageRecord = paging.pages().write(message.body().retainedDuplicate(),
                failure -> paging.owner().execute(() -> pageWritten(entry, failure)));
        if (pageRecord >= 0) {
            entry.page = PagedMessage.of(message, pageRecord, true);
        }
    }

    private void pageWritten(QueueEntry entry, Throwable failure) {
        if (failure != null) {
            LOG.warn("A message body could not be paged out; it stays in memory", failure);
            entry.page = null;
        } else if (entry.page != null && entry.place == Place.PAGED && entry.message != null) {
            entry.message.release();
            entry.message = null;
            holdInMemory(-entry.bodySize());
        }
    }

    /** The next message to deliver: the highest priority first; null if none, or if that one is being read back. */
    QueueEntry poll() {
        QueueEntry polled = null;
        for (int level = fresh.length - 1; level >= 0; level--) {
            if (hasEntries(level)) {
                polled = pollLevel(level);
                break;
            }
        }
        readAhead();
        return polled;
    }

    private boolean hasEntries(int level) {
        return !fresh[level].isEmpty() || !requeued[level].isEmpty() || !paged[level].isEmpty();
    }

    /** Removes the oldest never-delivered message in memory that is not persistent, or returns null. */
    QueueEntry pollOldestTransient() {
        for (int level = 0; level < fresh.length; level++) {
            for (var it = fresh[level].iterator(); it.hasNext(); ) {
                QueueEntry entry = it.next();
                if (!entry.persistent()) {
                    it.remove();
                    removed(entry);
                    return entry;
                }
            }
        }
        return null;
    }

    /** The head of a level if its body is in memory; null if the level is empty or its head is being read. */
    private QueueEntry head(int level) {
        if (!requeued[level].isEmpty()) {
            return requeued[level].peek();
        }
        if (fresh[level].isEmpty()) {
            promote(level);
        }
        return fresh[level].peek();
    }

    /** Moves the paged entries at the front of a level whose bodies are back in memory to its in-memory head. */
    private void promote(int level) {
        for (QueueEntry entry; (entry = paged[level].peek()) != null && entry.message != null; ) {
            paged[level].poll();
            pagedEntries--;
            entry.place = Place.MEMORY;
            fresh[level].add(entry);
            releasePage(entry);
        }
    }

    private QueueEntry pollLevel(int level) {
        QueueEntry entry = head(level);
        if (entry != null) {
            if (requeued[level].isEmpty()) {
                fresh[level].poll();
            } else {
                requeued[level].poll();
            }
            removed(entry);
        }
        return entry;
    }

    private void removed(QueueEntry entry) {
        size--;
        bytes -= entry.bodySize();
        entry.place = Place.GONE;
        holdInMemory(-entry.bodySize());
    }

    /**
     * Removes one expired message from the head of a level, or returns null if no head has expired. Like
     * RabbitMQ, only heads are examined: a message behind a longer-lived one waits until it reaches the head.
     */
    QueueEntry pollExpiredHead(long nowNanos) {
        for (int level = fresh.length - 1; level >= 0; level--) {
            QueueEntry head = head(level);
            if (head != null && head.isExpired(nowNanos)) {
                return pollLevel(level);
            }
            if (head == null && isExpired(paged[level].peek(), nowNanos)) {
                // Dead-lettering needs the body, even with no consumer asking for it.
                readAhead();
            }
        }
        return null;
    }

    private static boolean isExpired(QueueEntry entry, long nowNanos) {
        return entry != null && entry.isExpired(nowNanos);
    }

    /** The head that expires first, for arming a timer (a paged head included); null if none expires. */
    QueueEntry earliestExpiringHead() {
        QueueEntry earliest = null;
        for (int level = 0; level < fresh.length; level++) {
            QueueEntry head = head(level);
            if (head == null && paged[level].peek() != null && !paged[level].peek().reading) {
                // A head being read needs no timer: the queue looks at it again when the read completes.
                head = paged[level].peek();
            }
            if (head != null && head.expires()
                    && (earliest == null || head.expiresAtNanos() - earliest.expiresAtNanos() < 0)) {
                earliest = head;
            }
        }
        return earliest;
    }

    /**
     * Hands every waiting message to {@code release}; returns how many there were. Paged messages are handed over
     * without their bodies (they are only settled or released).
     */
    int releaseAll(Consumer<Message> release) {
        int count = size;
        for (int level = 0; level < fresh.length; level++) {
            for (QueueEntry entry; (entry = requeued[level].poll()) != null; ) {
                release.accept(entry.message);
            }
            for (QueueEntry entry; (entry = fresh[level].poll()) != null; ) {
                release.accept(entry.message);
            }
            for (QueueEntry entry; (entry = paged[level].poll()) != null; ) {
                entry.place = Place.GONE;
                Message message = entry.message != null ? entry.message : entry.page.hollow();
                releasePage(entry);
                release.accept(message);
            }
        }
        size = 0;
        bytes = 0;
        pagedEntries = 0;
        // Bodies still being read are released when they arrive.
        holdInMemory(-memoryBytes);
        return count;
    }

    /** Lets go of the entry's own page record, if it has one: the body is in memory again, or not needed. */
    private void releasePage(QueueEntry entry) {
        if (entry.page != null && entry.page.pageRecord()) {
            paging.pages().release(entry.page.recordId());
            entry.page = null;
        }
    }

    /**
     * Starts reading back the bodies next in line, as many as fit in the memory left; a level whose head is waiting
     * gets at least its head read whatever the limit, so that a full memory cannot stall delivery.
     */
    private void readAhead() {
        if (pagedEntries == 0 || readingEntries + READ_BATCH > MAX_READING) {
            return;
        }
        for (int level = fresh.length - 1; level >= 0; level--) {
            if (paged[level].isEmpty()) {
                continue;
            }
            QueueEntry first = paged[level].peek();
            boolean starving = requeued[level].isEmpty() && fresh[level].isEmpty() && !first.reading
                    && first.message == null;
            long room = memoryLimit - memoryBytes - readingBytes;
            if (starving || room >= memoryLimit / 4 && room > 0) {
                readLevel(level, starving ? Math.max(room, 1) : room);
            }
        }
    }

    private void readLevel(int level, long room) {
        List<QueueEntry> batch = new ArrayList<>(Math.min(READ_BATCH, paged[level].size()));
        long batchBytes = 0;
        for (QueueEntry entry : paged[level]) {
            if (entry.reading || entry.message != null) {
                continue;
            }
            if (batch.size() == READ_BATCH || !batch.isEmpty() && batchBytes + entry.bodySize() > room) {
                break;
            }
            batch.add(entry);
            batchBytes += entry.bodySize();
        }
        if (batch.isEmpty()) {
            return;
        }
        QueueEntry[] entries = batch.toArray(QueueEntry[]::new);
        long[] records = new long[entries.length];
        for (int i = 0; i < entries.length; i++) {
            entries[i].reading = true;
            records[i] = entries[i].page.recordId();
        }
        readingEntries += entries.length;
        readingBytes += batchBytes;
        paging.pages().read(records, bodies -> paging.owner().execute(() -> readBack(entries, bodies)));
    }

    private void readBack(QueueEntry[] entries, ByteBuf[] bodies) {
        for (int i = 0; i < entries.length; i++) {
            QueueEntry entry = entries[i];
            entry.reading = false;
            readingEntries--;
            readingBytes -= entry.bodySize();
            if (entry.place != Place.PAGED) {
                if (bodies[i] != null) {
                    bodies[i].release();
                }
            } else if (bodies[i] == null) {
                lose(entry);
            } else {
                entry.message = entry.page.withBody(bodies[i]);
                holdInMemory(entry.bodySize());
            }
        }
        paging.readBack().run();
    }

    /** The body cannot be read back (logged by the store): the message is settled without it, so nothing waits on it. */
    private void lose(QueueEntry entry) {
        LOG.error("A paged-out message body (record {}) could not be read back; the message is dropped",
                entry.page.recordId());
        paged[entry.priority()].remove(entry);
        pagedEntries--;
        size--;
        bytes -= entry.bodySize();
        entry.place = Place.GONE;
        Message hollow = entry.page.hollow();
        releasePage(entry);
        paging.lost().accept(hollow);
    }
}
