package dev.junction.core.queue;

import dev.junction.core.exchange.MqttBindingArguments;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.StoredMessage;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The messages of a queue waiting for delivery, one level per priority (a single level unless the queue has
 * x-max-priority). Within a level, requeued messages come first in their original order, then new ones in arrival
 * order. Touched on the queue's shard thread only.
 *
 * <p>Paging: the bodies held in memory are bounded by the store's queue memory limit. A new message that does not
 * fit, or that arrives while older ones of its level are paged out, is paged out too: the queue keeps a slot of a
 * {@link PagedTail} (a few numbers) and lets go of the message (its persistent record is read back later, or a page
 * record is written first). So each level is an in-memory head followed by a paged tail, and the messages of the
 * tail are read back in order, ahead of need, as the head is consumed. A level whose head is still being read
 * delivers nothing (nor does any lower level: priority order holds) until the read completes.
 */
final class ReadyMessages {
    private static final Logger LOG = LoggerFactory.getLogger(ReadyMessages.class);
    /** Messages read back in one store request at most. */
    private static final int READ_BATCH = 256;
    /** Messages being read back at most; bounds the work of finding the next ones to read. */
    private static final int MAX_READING = 4 * READ_BATCH;

    private final ArrayDeque<QueueEntry>[] fresh;
    /** Per level: messages newer than all of {@link #fresh}'s, paged out (or still being written out). */
    private final PagedTail[] paged;
    private final PriorityQueue<QueueEntry>[] requeued;
    private final Paging paging;
    private final long memoryLimit;
    private int size;
    private long bytes;
    private int pagedEntries;
    private long memoryBytes;
    private int readingEntries;
    private long readingBytes;
    /** Set by {@link #findEarliestExpiringHead}. */
    private long earliestHeadExpiry;
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
        paged = new PagedTail[maxPriority + 1];
        requeued = new PriorityQueue[maxPriority + 1];
        for (int level = 0; level <= maxPriority; level++) {
            fresh[level] = new ArrayDeque<>();
            paged[level] = new PagedTail();
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
            pageOut(entry);
        }
    }

    /**
     * Adds a message recovered from the store, paged out: it is read back from its record {@code recordId} when it
     * nears the head. {@code shared} is the handle the message's durable queues share, null if it is this queue's
     * alone.
     */
    void addRecovered(long entryId, int level, boolean expires, long expiresAtNanos, long recordId, int bodySize,
                      StoredMessage shared) {
        size++;
        bytes += bodySize;
        pagedEntries++;
        paged[level].append(entryId, recordId, bodySize,
                PagedTail.REDELIVERED | (expires ? PagedTail.EXPIRES : 0), MqttBindingArguments.NOT_MQTT,
                expiresAtNanos, shared);
    }

    void addRequeued(QueueEntry entry) {
        size++;
        bytes += entry.bodySize();
        requeued[entry.priority()].add(entry);
        holdInMemory(entry.bodySize());
    }

    private void holdInMemory(long delta) {
        memoryBytes += delta;
        publishedMemoryBytes.lazySet(memoryBytes);
    }

    private void pageOut(QueueEntry entry) {
        PagedTail tail = paged[entry.priority()];
        Message message = entry.message();
        int flags = (entry.isRedelivered() ? PagedTail.REDELIVERED : 0) | (entry.expires() ? PagedTail.EXPIRES : 0);
        pagedEntries++;
        long storedRecord = paging.storedRecord().applyAsLong(message);
        if (storedRecord >= 0) {
            StoredMessage stored = message.stored();
            tail.append(entry.id(), storedRecord, entry.bodySize(), flags, entry.grantedQos(),
                    entry.expiresAtNanos(), stored.isShared() ? stored : null);
            message.release();
            return;
        }
        // Held until the page record is written: until then it is the only copy.
        holdInMemory(entry.bodySize());
        long seq = tail.end();
        long pageRecord = paging.pages().write(message,
                failure -> paging.owner().execute(() -> pageWritten(tail, seq, failure)));
        tail.append(entry.id(), pageRecord, entry.bodySize(), pageRecord >= 0 ? flags | PagedTail.PAGE_RECORD : flags,
                entry.grantedQos(), entry.expiresAtNanos(), message);
    }

    private void pageWritten(PagedTail tail, long seq, Throwable failure) {
        if (!tail.contains(seq) || !(tail.held(seq) instanceof Message message)) {
            return;
        }
        if (failure != null) {
            LOG.warn("A message could not be paged out; it stays in memory", failure);
            tail.set(seq, PagedTail.PAGE_RECORD, false);
        } else {
            message.release();
            tail.hold(seq, null);
            holdInMemory(-tail.bodySize(seq));
            if (seq < tail.unread()) {
                // Passed over while it was in memory: it is to be read back like the rest.
                tail.unread(seq);
            }
        }
    }

    /** The message {@link #poll} would return next, left in place; null as there. */
    QueueEntry peek() {
        for (int level = fresh.length - 1; level >= 0; level--) {
            if (hasEntries(level)) {
                return head(level);
            }
        }
        return null;
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

    /** Moves the paged messages at the front of a level that are back in memory to its in-memory head. */
    private void promote(int level) {
        PagedTail tail = paged[level];
        while (!tail.isEmpty() && tail.held(tail.head()) instanceof Message message) {
            long seq = tail.head();
            fresh[level].add(new QueueEntry(tail.entryId(seq), message, tail.has(seq, PagedTail.REDELIVERED), level,
                    tail.has(seq, PagedTail.EXPIRES), tail.expiresAtNanos(seq), tail.grantedQos(seq)));
            releasePage(tail, seq);
            tail.removeHead();
            pagedEntries--;
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
            PagedTail tail = paged[level];
            if (head == null && !tail.isEmpty() && tail.isExpired(tail.head(), nowNanos)) {
                // Dead-lettering needs the body, even with no consumer asking for it.
                readAhead();
            }
        }
        return null;
    }

    /**
     * Whether a head expires (a paged head included); if so, {@link #earliestHeadExpiry()} is when the first one
     * does, for arming a timer.
     */
    boolean findEarliestExpiringHead() {
        boolean found = false;
        for (int level = 0; level < fresh.length; level++) {
            QueueEntry head = head(level);
            long expiry;
            if (head != null) {
                if (!head.expires()) {
                    continue;
                }
                expiry = head.expiresAtNanos();
            } else {
                PagedTail tail = paged[level];
                // A head being read needs no timer: the queue looks at it again when the read completes.
                if (tail.isEmpty() || tail.has(tail.head(), PagedTail.READING)
                        || !tail.has(tail.head(), PagedTail.EXPIRES)) {
                    continue;
                }
                expiry = tail.expiresAtNanos(tail.head());
            }
            if (!found || expiry - earliestHeadExpiry < 0) {
                earliestHeadExpiry = expiry;
                found = true;
            }
        }
        return found;
    }

    long earliestHeadExpiry() {
        return earliestHeadExpiry;
    }

    /**
     * Hands every waiting message to {@code release}; returns how many there were. Paged messages are handed over
     * without their bodies (they are only settled or released).
     */
    int releaseAll(Consumer<Message> release) {
        int count = size;
        for (int level = 0; level < fresh.length; level++) {
            for (QueueEntry entry; (entry = requeued[level].poll()) != null; ) {
                release.accept(entry.message());
            }
            for (QueueEntry entry; (entry = fresh[level].poll()) != null; ) {
                release.accept(entry.message());
            }
            PagedTail tail = paged[level];
            for (long seq = tail.head(); seq < tail.end(); seq++) {
                if (!tail.has(seq, PagedTail.GONE)) {
                    Message message = tail.held(seq) instanceof Message held ? held : hollow(tail, seq);
                    releasePage(tail, seq);
                    release.accept(message);
                }
            }
            // Messages still being read are released when they arrive.
            tail.clear();
        }
        size = 0;
        bytes = 0;
        pagedEntries = 0;
        holdInMemory(-memoryBytes);
        return count;
    }

    /** A paged message without its body, for settling it without reading it back (purge, deletion, a lost page). */
    private Message hollow(PagedTail tail, long seq) {
        return hollow(storedCopy(tail, seq));
    }

    /** A message that is only to be settled (with {@code stored}, null if it is not stored) and released. */
    static Message hollow(StoredMessage stored) {
        Message hollow = new Message("", "", MessageProperties.EMPTY, Unpooled.EMPTY_BUFFER);
        hollow.stored(stored);
        return hollow;
    }

    /** The store handle a paged message is settled with; null if it has none (it is in a page record). */
    private StoredMessage storedCopy(PagedTail tail, long seq) {
        if (tail.held(seq) instanceof StoredMessage shared) {
            return shared;
        }
        return tail.has(seq, PagedTail.PAGE_RECORD) ? null : paging.storedCopy().apply(tail.recordId(seq));
    }

    /** Lets go of the slot's own page record, if it has one: the message is in memory again, or not needed. */
    private void releasePage(PagedTail tail, long seq) {
        if (tail.has(seq, PagedTail.PAGE_RECORD)) {
            paging.pages().release(tail.recordId(seq));
            tail.set(seq, PagedTail.PAGE_RECORD, false);
        }
    }

    /**
     * Starts reading back the messages next in line, as many as fit in the memory left; a level whose head is
     * waiting gets at least its head read whatever the limit, so that a full memory cannot stall delivery.
     */
    private void readAhead() {
        if (pagedEntries == 0 || readingEntries + READ_BATCH > MAX_READING) {
            return;
        }
        for (int level = fresh.length - 1; level >= 0; level--) {
            PagedTail tail = paged[level];
            if (tail.isEmpty()) {
                continue;
            }
            long first = tail.head();
            boolean starving = requeued[level].isEmpty() && fresh[level].isEmpty()
                    && !tail.has(first, PagedTail.READING) && !(tail.held(first) instanceof Message);
            long room = memoryLimit - memoryBytes - readingBytes;
            if (starving || room >= memoryLimit / 4 && room > 0) {
                readLevel(tail, starving ? Math.max(room, 1) : room);
            }
        }
    }

    private void readLevel(PagedTail tail, long room) {
        long[] seqs = new long[READ_BATCH];
        int count = 0;
        long batchBytes = 0;
        long seq = tail.unread();
        for (; seq < tail.end() && count < READ_BATCH; seq++) {
            if (tail.has(seq, PagedTail.GONE) || tail.has(seq, PagedTail.READING) || tail.held(seq) instanceof Message) {
                continue;
            }
            if (count > 0 && batchBytes + tail.bodySize(seq) > room) {
                break;
            }
            seqs[count++] = seq;
            batchBytes += tail.bodySize(seq);
        }
        tail.unread(seq);
        if (count == 0) {
            return;
        }
        long[] records = new long[count];
        for (int i = 0; i < count; i++) {
            tail.set(seqs[i], PagedTail.READING, true);
            records[i] = tail.recordId(seqs[i]);
        }
        readingEntries += count;
        readingBytes += batchBytes;
        long requestedBytes = batchBytes;
        paging.pages().read(records,
                messages -> paging.owner().execute(() -> readBack(tail, seqs, messages, requestedBytes)));
    }

    private void readBack(PagedTail tail, long[] seqs, Message[] messages, long requestedBytes) {
        readingEntries -= messages.length;
        readingBytes -= requestedBytes;
        for (int i = 0; i < messages.length; i++) {
            long seq = seqs[i];
            Message message = messages[i];
            if (!tail.contains(seq)) {
                if (message != null) {
                    message.release();
                }
                continue;
            }
            tail.set(seq, PagedTail.READING, false);
            if (message == null) {
                lose(tail, seq);
            } else {
                message.stored(storedCopy(tail, seq));
                tail.hold(seq, message);
                holdInMemory(tail.bodySize(seq));
            }
        }
        paging.readBack().run();
    }

    /** The message cannot be read back (logged by the store): it is settled without it, so nothing waits on it. */
    private void lose(PagedTail tail, long seq) {
        LOG.error("A paged-out message (record {}) could not be read back; the message is dropped",
                tail.recordId(seq));
        pagedEntries--;
        size--;
        bytes -= tail.bodySize(seq);
        Message hollow = hollow(tail, seq);
        releasePage(tail, seq);
        tail.set(seq, PagedTail.GONE, true);
        tail.hold(seq, null);
        tail.dropGoneHeads();
        paging.lost().accept(hollow);
    }
}
