package dev.junction.core.queue;

import dev.junction.core.message.Message;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The messages of a queue waiting for delivery, one level per priority (a single level unless the queue has
 * x-max-priority). Within a level, requeued messages come first in their original order, then new ones in arrival
 * order. Touched on the queue's shard thread only.
 */
final class ReadyMessages {
    private final ArrayDeque<QueueEntry>[] fresh;
    private final PriorityQueue<QueueEntry>[] requeued;
    private int size;
    private long bytes;

    @SuppressWarnings("unchecked")
    ReadyMessages(int maxPriority) {
        fresh = new ArrayDeque[maxPriority + 1];
        requeued = new PriorityQueue[maxPriority + 1];
        for (int level = 0; level <= maxPriority; level++) {
            fresh[level] = new ArrayDeque<>();
            requeued[level] = new PriorityQueue<>();
        }
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void addNew(QueueEntry entry) {
        fresh[entry.priority()].add(entry);
        added(entry);
    }

    void addRequeued(QueueEntry entry) {
        requeued[entry.priority()].add(entry);
        added(entry);
    }

    private void added(QueueEntry entry) {
        size++;
        bytes += entry.message().bodySize();
    }

    /** The next message to deliver: the highest priority first. */
    QueueEntry poll() {
        for (int level = fresh.length - 1; level >= 0; level--) {
            QueueEntry entry = pollLevel(level);
            if (entry != null) {
                return entry;
            }
        }
        return null;
    }

    /** Removes the oldest never-delivered message that is not persistent, or returns null if there is none. */
    QueueEntry pollOldestTransient() {
        for (int level = 0; level < fresh.length; level++) {
            for (var it = fresh[level].iterator(); it.hasNext(); ) {
                QueueEntry entry = it.next();
                if (!entry.message().properties().persistent()) {
                    it.remove();
                    size--;
                    bytes -= entry.message().bodySize();
                    return entry;
                }
            }
        }
        return null;
    }

    private QueueEntry pollLevel(int level) {
        QueueEntry entry = requeued[level].isEmpty() ? fresh[level].poll() : requeued[level].poll();
        if (entry != null) {
            size--;
            bytes -= entry.message().bodySize();
        }
        return entry;
    }

    /**
     * Removes one expired message from the head of a level, or returns null if no head has expired. Like
     * RabbitMQ, only heads are examined: a message behind a longer-lived one waits until it reaches the head.
     */
    QueueEntry pollExpiredHead(long nowNanos) {
        for (int level = fresh.length - 1; level >= 0; level--) {
            if (isExpired(requeued[level].peek(), nowNanos)
                    || requeued[level].isEmpty() && isExpired(fresh[level].peek(), nowNanos)) {
                return pollLevel(level);
            }
        }
        return null;
    }

    private static boolean isExpired(QueueEntry entry, long nowNanos) {
        return entry != null && entry.isExpired(nowNanos);
    }

    /** The head that expires first, for arming a timer; null if no head expires. */
    QueueEntry earliestExpiringHead() {
        QueueEntry earliest = null;
        for (int level = 0; level < fresh.length; level++) {
            QueueEntry head = requeued[level].isEmpty() ? fresh[level].peek() : requeued[level].peek();
            if (head != null && head.expires()
                    && (earliest == null || head.expiresAtNanos() - earliest.expiresAtNanos() < 0)) {
                earliest = head;
            }
        }
        return earliest;
    }

    /** Hands every waiting message to {@code release}; returns how many there were. */
    int releaseAll(Consumer<Message> release) {
        int count = size;
        for (QueueEntry entry; (entry = poll()) != null; ) {
            release.accept(entry.message());
        }
        return count;
    }
}
