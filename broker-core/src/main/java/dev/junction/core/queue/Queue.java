package dev.junction.core.queue;

import dev.junction.core.exchange.Destination;
import dev.junction.core.exchange.RouteCollector;
import dev.junction.core.message.Message;
import dev.junction.core.thread.Shard;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A queue of messages for its consumers. All state is owned by one shard thread: publishers hand messages over
 * through a lock-free inbox that the shard drains in batches (no task object per message), and every other
 * operation is a task on the same shard. Counters that other threads read are published through volatiles.
 *
 * <p>Order: messages are delivered in arrival order; a requeued message goes back ahead of never-delivered ones,
 * in its original order among other requeued messages, and is marked redelivered.
 */
public final class Queue implements Destination {
    private final String name;
    private final QueueSettings settings;
    private final Shard shard;

    private final MpscUnboundedXaddArrayQueue<Message> inbox = new MpscUnboundedXaddArrayQueue<>(256);
    private final AtomicInteger inboxWork = new AtomicInteger();
    private final Runnable drainInbox = this::drainInbox;

    // Shard-owned state.
    private final ArrayDeque<QueueEntry> ready = new ArrayDeque<>();
    private final PriorityQueue<QueueEntry> requeued = new PriorityQueue<>();
    private final Map<Long, QueueEntry> delivered = new HashMap<>();
    private final List<Subscription> subscriptions = new ArrayList<>(1);
    private int nextSubscription;
    private long nextEntryId;
    private boolean deleted;

    private final QueueLimit limit;

    private volatile int readyCount;
    private volatile int unsettledCount;
    private volatile int consumerCount;
    private volatile long droppedCount;

    public Queue(String name, QueueSettings settings, Shard shard) {
        this.name = name;
        this.settings = settings;
        this.shard = shard;
        this.limit = QueueLimit.from(settings.arguments());
    }

    @Override
    public String name() {
        return name;
    }

    public QueueSettings settings() {
        return settings;
    }

    /** Messages waiting to be delivered, as last published by the owner thread. */
    public int readyCount() {
        return readyCount;
    }

    /** Messages delivered and not yet settled. */
    public int unsettledCount() {
        return unsettledCount;
    }

    public int consumerCount() {
        return consumerCount;
    }

    /** Messages dropped because the queue was at its length limit ({@code x-max-length}). */
    public long droppedCount() {
        return droppedCount;
    }

    @Override
    public void accept(Message message, RouteCollector collector) {
        collector.addQueue(this);
    }

    /** Takes over one reference to the message: the caller retains before calling if it keeps its own. */
    public void enqueue(Message message) {
        inbox.offer(message);
        if (inboxWork.getAndIncrement() == 0) {
            shard.execute(drainInbox);
        }
    }

    private void drainInbox() {
        int work = inboxWork.get();
        while (work > 0) {
            for (int i = 0; i < work; i++) {
                Message message = inbox.poll();
                while (message == null) {
                    // The producer has claimed its slot but not yet written it; it is a few instructions away.
                    Thread.onSpinWait();
                    message = inbox.poll();
                }
                accept(message);
            }
            work = inboxWork.addAndGet(-work);
        }
        dispatch();
    }

    private void accept(Message message) {
        if (deleted) {
            message.release();
            return;
        }
        ready.add(new QueueEntry(nextEntryId++, message));
        if (ready.size() + requeued.size() > limit.maxLength()) {
            dropOne();
        }
    }

    /**
     * Makes room at the length limit. Requeued messages were delivered once and are kept; of the never-delivered
     * ones the oldest goes, or with {@code drop-transient-first} the oldest non-persistent one if there is one.
     */
    private void dropOne() {
        QueueEntry victim = null;
        if (limit.dropTransientFirst()) {
            for (Iterator<QueueEntry> it = ready.iterator(); it.hasNext(); ) {
                QueueEntry entry = it.next();
                if (!entry.message().properties().persistent()) {
                    it.remove();
                    victim = entry;
                    break;
                }
            }
        }
        if (victim == null) {
            victim = ready.isEmpty() ? requeued.poll() : ready.poll();
        }
        victim.message().release();
        droppedCount++;
    }

    /** Starts delivering to a consumer; completes with the subscription once it is in place. */
    public CompletableFuture<Subscription> subscribe(QueueConsumer consumer, ConsumerOptions options) {
        CompletableFuture<Subscription> result = new CompletableFuture<>();
        shard.execute(() -> {
            if (deleted) {
                result.completeExceptionally(new IllegalStateException("queue '" + name + "' was deleted"));
                return;
            }
            Subscription subscription = new Subscription(this, consumer, options);
            subscriptions.add(subscription);
            consumerCount = subscriptions.size();
            result.complete(subscription);
            dispatch();
        });
        return result;
    }

    void settle(Subscription subscription, long entryId) {
        shard.execute(() -> {
            if (subscription.unsettled.remove(entryId)) {
                QueueEntry entry = delivered.remove(entryId);
                entry.message().release();
                publishCounts();
                dispatch();
            }
        });
    }

    void requeue(Subscription subscription, long entryId) {
        shard.execute(() -> {
            if (subscription.unsettled.remove(entryId)) {
                returnToQueue(delivered.remove(entryId));
                publishCounts();
                dispatch();
            }
        });
    }

    void resume() {
        shard.execute(this::dispatch);
    }

    void cancel(Subscription subscription) {
        shard.execute(() -> {
            if (subscription.cancelled) {
                return;
            }
            subscription.cancelled = true;
            subscriptions.remove(subscription);
            consumerCount = subscriptions.size();
            for (long entryId : subscription.unsettled) {
                returnToQueue(delivered.remove(entryId));
            }
            subscription.unsettled.clear();
            publishCounts();
            dispatch();
        });
    }

    private void returnToQueue(QueueEntry entry) {
        if (deleted) {
            entry.message().release();
        } else {
            requeued.add(entry.redelivered());
        }
    }

    /** Drops every message waiting for delivery; completes with how many there were. */
    public CompletableFuture<Integer> purge() {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        shard.execute(() -> {
            int purged = releaseAll(ready) + releaseAll(requeued);
            publishCounts();
            result.complete(purged);
        });
        return result;
    }

    /**
     * Deletes the queue: consumers are told, waiting and unsettled messages released. Completes with the number
     * of messages that were waiting.
     */
    public CompletableFuture<Integer> delete() {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        shard.execute(() -> {
            if (deleted) {
                result.complete(0);
                return;
            }
            deleted = true;
            int dropped = releaseAll(ready) + releaseAll(requeued);
            delivered.values().forEach(entry -> entry.message().release());
            delivered.clear();
            List<Subscription> gone = new ArrayList<>(subscriptions);
            subscriptions.clear();
            consumerCount = 0;
            publishCounts();
            for (Subscription subscription : gone) {
                subscription.cancelled = true;
                subscription.unsettled.clear();
                subscription.consumer().queueDeleted(this);
            }
            result.complete(dropped);
        });
        return result;
    }

    private static int releaseAll(java.util.Queue<QueueEntry> entries) {
        int count = entries.size();
        for (QueueEntry entry; (entry = entries.poll()) != null; ) {
            entry.message().release();
        }
        return count;
    }

    /** Round-robin over consumers with credit, one message each turn, until messages or credit run out. */
    private void dispatch() {
        int consumers = subscriptions.size();
        int idleTurns = 0;
        while (consumers > 0 && idleTurns < consumers && (!requeued.isEmpty() || !ready.isEmpty())) {
            Subscription subscription = subscriptions.get(nextSubscription++ % consumers);
            if (!subscription.hasCredit()) {
                idleTurns++;
                continue;
            }
            idleTurns = 0;
            QueueEntry entry = requeued.isEmpty() ? ready.poll() : requeued.poll();
            deliver(subscription, entry);
        }
        if (nextSubscription >= consumers) {
            nextSubscription = 0;
        }
        publishCounts();
    }

    private void deliver(Subscription subscription, QueueEntry entry) {
        Message message = entry.message();
        if (subscription.options().autoAck()) {
            // The queue's reference passes to the delivery: nothing is left to settle.
            subscription.consumer().deliver(new Delivery(subscription, entry.id(), message, entry.isRedelivered()));
            return;
        }
        delivered.put(entry.id(), entry);
        subscription.unsettled.add(entry.id());
        subscription.consumer().deliver(
                new Delivery(subscription, entry.id(), message.retain(), entry.isRedelivered()));
    }

    private void publishCounts() {
        readyCount = ready.size() + requeued.size();
        unsettledCount = delivered.size();
    }

    @Override
    public String toString() {
        return "queue '" + name + "'";
    }
}
