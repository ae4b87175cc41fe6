package dev.junction.core.queue;

import dev.junction.core.Arguments;
import dev.junction.core.BrokerException;
import dev.junction.core.exchange.Destination;
import dev.junction.core.exchange.IncomingBindings;
import dev.junction.core.exchange.MqttBindingArguments;
import dev.junction.core.exchange.RouteCollector;
import dev.junction.core.message.Message;
import dev.junction.core.store.RecoveredMessages;
import dev.junction.core.thread.OwnerThread;
import org.jctools.queues.MpscUnboundedArrayQueue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A queue of messages for its consumers. All state is owned by one thread (its {@link OwnerThread}): publishers hand messages over
 * through a lock-free inbox that the owner drains in batches (no task object per message), and every other
 * operation is a task on the same owner. Counters that other threads read are published through volatiles.
 *
 * <p>Order: messages are delivered in arrival order (highest priority first in a priority queue); a requeued
 * message goes back ahead of never-delivered ones, in its original order among other requeued messages, and is
 * marked redelivered.
 *
 * <p>The behaviours chosen by {@link QueueArguments} live here: message TTL (queue-wide and per message, expired
 * from the head as RabbitMQ does), length and size limits with their overflow behaviour, dead-lettering,
 * priorities, single active consumer, consumer priorities, auto-delete and x-expires.
 *
 * <p>Flow: while the queue has consumers and its ready messages are above the host's {@link FlowLimits}, every
 * publisher that {@link #throttle throttles} on it is blocked, and all are unblocked together once the queue is
 * back under the low-water mark, has no consumer left, or is deleted.
 */
public final class Queue implements Destination {
    private static final int INBOX_CHUNK = 64;

    private final String name;
    private final QueueSettings settings;
    /** Written on the owner thread only ({@link #overrideLimits}); volatile for the readers of other threads. */
    private volatile QueueArguments arguments;
    private volatile Map<String, Object> limitOverrides = Map.of();
    private final OwnerThread owner;
    private final QueueHost host;
    private final FlowLimits flowLimits;
    private final IncomingBindings incomingBindings = new IncomingBindings();

    /**
     * Small chunks and no pool of spare ones: every persistent MQTT session and AMQP queue has an inbox, mostly idle,
     * and this one costs about 860 bytes where an xadd queue with pooled 256-slot chunks cost 3.3 KB. A busy queue
     * allocates a 64-slot chunk per 64 messages instead, about 4 bytes a message.
     */
    private final MpscUnboundedArrayQueue<Object> inbox = new MpscUnboundedArrayQueue<>(INBOX_CHUNK);
    private final AtomicInteger inboxWork = new AtomicInteger();
    private final Runnable drainInbox = this::drainInbox;

    // Owner-thread state.
    private final ReadyMessages ready;
    private final Map<Long, QueueEntry> delivered = new HashMap<>();
    /** Highest consumer priority first; equal priorities in subscription order. */
    private final List<Subscription> subscriptions = new ArrayList<>(1);
    private int nextSubscription;
    private int subscriptionsMade;
    /** With single-active-consumer: the one consumer that receives, until it is cancelled or outranked. */
    private Subscription activeConsumer;
    /** Publishers blocked while above the high-water mark; at most one entry per publishing connection. */
    private Set<PublisherFlow> blockedPublishers;
    /** Gets waiting for the head to be read back from the store. */
    private final List<Runnable> waitingGets = new ArrayList<>(0);
    private long nextEntryId;
    private boolean deleted;
    private boolean hadConsumer;
    private long lastUsedNanos = System.nanoTime();
    private boolean expiryTimerArmed;
    private boolean disuseTimerArmed;
    private long expiryTimerDeadline;

    private volatile int readyCount;
    private volatile int unsettledCount;
    private volatile int consumerCount;
    private volatile long droppedCount;
    private volatile boolean aboveHighWatermark;

    /** A queue outside any virtual host: nothing to dead-letter to, never deleted for disuse. */
    public Queue(String name, QueueSettings settings, OwnerThread owner) {
        this(name, settings, QueueArguments.parse(name, "", settings.arguments()), owner, QueueHost.DETACHED);
    }

    public Queue(String name, QueueSettings settings, QueueArguments arguments, OwnerThread owner, QueueHost host) {
        this.name = name;
        this.settings = settings;
        this.arguments = arguments;
        this.owner = owner;
        this.host = host;
        this.flowLimits = host.flowLimits().within(arguments);
        this.ready = new ReadyMessages(arguments.maxPriority(), new Paging(host.pages(),
                message -> host.storedRecord(this, message), recordId -> host.storedCopy(this, recordId), owner,
                this::afterReadBack, this::finish));
        if (arguments.expiresMillis() != null) {
            owner.execute(this::checkDisuse);
        }
    }

    @Override
    public String name() {
        return name;
    }

    public QueueSettings settings() {
        return settings;
    }

    /** The arguments in effect: the declared ones with the {@link #limitOverrides() overrides} laid over them. */
    public QueueArguments arguments() {
        return arguments;
    }

    /** The limit arguments set on the live queue over its declared ones (see {@link #overrideLimits}); usually none. */
    public Map<String, Object> limitOverrides() {
        return limitOverrides;
    }

    /**
     * Replaces the queue's limits (the {@link QueueArguments#LIMITS}) with those of {@code effective}, the queue's
     * declared arguments with {@code overrides} laid over them; the virtual host parsed and checked them and keeps
     * them durable. Applied on the owner thread, at once: a limit lowered below the queue's depth drops (or
     * dead-letters) from the head as the overflow rule says, as RabbitMQ does when a policy lowers max-length;
     * with reject-publish nothing is dropped, new messages are refused until the queue is back under the limit.
     * Completes once applied.
     */
    public CompletableFuture<Void> overrideLimits(Map<String, Object> overrides, QueueArguments effective) {
        CompletableFuture<Void> applied = new CompletableFuture<>();
        owner.execute(() -> {
            QueueArguments current = arguments;
            arguments = new QueueArguments(current.messageTtlMillis(), current.expiresMillis(), effective.maxLength(),
                    effective.maxLengthBytes(), effective.overflow(), effective.deadLetterExchange(),
                    effective.deadLetterRoutingKey(), current.maxPriority(), current.singleActiveConsumer(),
                    current.flowHighWatermark(), effective.deadLetterHeaders(), current.consumerSelection());
            limitOverrides = Arguments.copyOf(overrides);
            if (!deleted) {
                dropWhileOverLimit();
                publishCounts();
            }
            applied.complete(null);
        });
        return applied;
    }

    /** Messages waiting to be delivered, as last published by the owner thread. */
    public int readyCount() {
        return readyCount;
    }

    /** Messages delivered and not yet settled. */
    public int unsettledCount() {
        return unsettledCount;
    }

    /** Consumers whose client is there ({@link QueueConsumer#isOnline()}), as last counted by the owner thread. */
    public int consumerCount() {
        return consumerCount;
    }

    /** Bytes of ready messages' bodies this queue holds in memory (the rest are paged out to the store). */
    public long memoryBytes() {
        return ready.memoryBytes();
    }

    /** Messages dropped from the head to respect a length or size limit (dead-lettered where configured). */
    public long droppedCount() {
        return droppedCount;
    }

    /** Whether publishers into this queue are being held back (see {@link FlowLimits}). */
    public boolean isAboveHighWatermark() {
        return aboveHighWatermark;
    }

    /**
     * A publisher has just routed a message here: while the queue is above its high-water mark the publisher is
     * blocked until the queue drains. Costs one volatile read below the mark. The decision is taken again on the
     * owner, so a publisher is never left blocked by a queue that drained meanwhile.
     */
    public void throttle(PublisherFlow publisher) {
        if (aboveHighWatermark) {
            owner.execute(() -> block(publisher));
        }
    }

    private void block(PublisherFlow publisher) {
        if (!aboveHighWatermark || deleted) {
            return;
        }
        if (blockedPublishers == null) {
            blockedPublishers = new HashSet<>();
        }
        if (blockedPublishers.add(publisher)) {
            publisher.block();
        }
    }

    @Override
    public IncomingBindings incomingBindings() {
        return incomingBindings;
    }

    @Override
    public void accept(Message message, RouteCollector collector) {
        collector.addQueue(this);
    }

    /** Takes over one reference to the message: the caller retains before calling if it keeps its own. */
    public void enqueue(Message message) {
        offer(message);
    }

    /**
     * Enqueues as {@link #enqueue(Message)} does, with the QoS the MQTT subscriptions that routed it here granted
     * ({@link MqttBindingArguments#NOT_MQTT}: none), which its delivery carries; then, unless {@code outcome} is
     * null, tells on the queue's owner thread whether the queue took the message (false: refused by an x-overflow
     * reject-publish limit, or the queue is gone). Publisher confirms are built on this.
     */
    public void enqueue(Message message, int grantedQos, Consumer<Boolean> outcome) {
        offer(outcome == null && grantedQos == MqttBindingArguments.NOT_MQTT ? message
                : new Arrival(message, grantedQos, outcome));
    }

    /** A message with what a bare one lacks: a granted QoS, someone to tell whether it was taken. */
    private record Arrival(Message message, int grantedQos, Consumer<Boolean> outcome) {
    }

    /**
     * Puts back messages recovered from the store at start-up (those at {@code positions[0..count)} of
     * {@code messages}), marked redelivered, after those restored before them. They stay paged out, read back from
     * their records as they near the head, so a backlog costs no memory for its bodies. Limits are not applied again
     * (the messages were within them when they were stored). Completes once the queue has taken them.
     */
    public CompletableFuture<Void> restore(RecoveredMessages messages, int[] positions, int count) {
        CompletableFuture<Void> restored = new CompletableFuture<>();
        owner.execute(() -> {
            try {
                restoreNow(messages, positions, count);
                restored.complete(null);
            } catch (RuntimeException e) {
                restored.completeExceptionally(e);
                throw e;
            }
        });
        return restored;
    }

    /**
     * A recovered message's expiry deadline counts from its publish time, which the store keeps in wall-clock time,
     * so that its TTL goes on counting over the restart, the downtime included (as RabbitMQ keeps it). The queue's
     * {@code x-message-ttl} counts from the enqueue, which for a stored message is its publish, give or take the
     * routing; one already expired then expires at once.
     */
    private void restoreNow(RecoveredMessages messages, int[] positions, int count) {
        long now = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            int position = positions[i];
            if (deleted) {
                finish(ReadyMessages.hollow(messages.stored(position)));
                continue;
            }
            long messageTtl = messages.expirationMillis(position);
            int priority = messages.priority(position);
            Long ttl = ttl(messageTtl < 0 ? null : messageTtl);
            long ageMillis = Math.max(0, nowMillis - messages.publishedAtMillis(position));
            ready.addRecovered(nextEntryId++, level(priority < 0 ? null : priority), ttl != null,
                    ttl == null ? 0 : now + TimeUnit.MILLISECONDS.toNanos(ttl - ageMillis),
                    messages.recordId(position), messages.bodySize(position), messages.sharedHandle(position));
        }
        publishCounts();
        // Without a consumer or a publish, only the timer makes a recovered message expire on its deadline.
        armExpiryTimer();
    }

    private void offer(Object item) {
        inbox.offer(item);
        if (inboxWork.getAndIncrement() == 0) {
            owner.execute(drainInbox);
        }
    }

    private void drainInbox() {
        assert owner.isCurrentThread() : onWrongThread();
        int work = inboxWork.get();
        long now = System.nanoTime();
        while (work > 0) {
            for (int i = 0; i < work; i++) {
                Object item = inbox.poll();
                while (item == null) {
                    // The producer has claimed its slot but not yet written it; it is a few instructions away.
                    Thread.onSpinWait();
                    item = inbox.poll();
                }
                if (item instanceof Arrival arrival) {
                    boolean taken = accept(arrival.message(), arrival.grantedQos(), now);
                    if (arrival.outcome() != null) {
                        arrival.outcome().accept(taken);
                    }
                } else {
                    accept((Message) item, MqttBindingArguments.NOT_MQTT, now);
                }
            }
            work = inboxWork.addAndGet(-work);
        }
        dispatch();
    }

    private boolean accept(Message message, int grantedQos, long now) {
        if (deleted) {
            finish(message);
            return false;
        }
        QueueEntry entry = newEntry(message, grantedQos, now);
        if (arguments.overflow().rejectsNew() && isFull(entry)) {
            if (arguments.overflow() == Overflow.REJECT_PUBLISH_DLX) {
                deadLetter(entry, DeadLetterReason.MAXLEN);
            } else {
                finish(message);
            }
            return false;
        }
        if (entry.isExpired(now)) {
            deliverAtOnceOrExpire(entry);
            return true;
        }
        ready.addNew(entry);
        dropWhileOverLimit();
        return true;
    }

    /**
     * A TTL of 0, RabbitMQ's rule: the message goes to a consumer that can take it at once, after the messages
     * ahead of it, or else it expires (dead-lettered where configured); it is never left waiting.
     */
    private void deliverAtOnceOrExpire(QueueEntry entry) {
        dispatch();
        Subscription subscription = ready.isEmpty() ? nextWithCredit() : null;
        if (subscription == null) {
            deadLetter(entry, DeadLetterReason.EXPIRED);
        } else {
            subscription.consumer().deliver(handOver(subscription, entry));
        }
    }

    private QueueEntry newEntry(Message message, int grantedQos, long now) {
        Long ttl = ttl(message.properties().expiration() == null ? null : parseExpiration(message));
        return new QueueEntry(nextEntryId++, message, false, level(message.properties().priority()), ttl != null,
                ttl == null ? 0 : now + TimeUnit.MILLISECONDS.toNanos(ttl), grantedQos);
    }

    /** The shorter of the queue's message TTL and the message's own; null if neither is set. */
    private Long ttl(Long messageTtl) {
        Long ttl = arguments.messageTtlMillis();
        return messageTtl != null && (ttl == null || messageTtl < ttl) ? messageTtl : ttl;
    }

    private int level(Integer priority) {
        return priority == null ? 0 : Math.max(0, Math.min(priority, arguments.maxPriority()));
    }

    /** Publishers refuse a bad expiration before routing; one that slips through just does not expire. */
    private static Long parseExpiration(Message message) {
        try {
            return message.properties().expirationMillis();
        } catch (BrokerException e) {
            return null;
        }
    }

    private boolean isFull(QueueEntry incoming) {
        return arguments.maxLength() != null && ready.size() >= arguments.maxLength()
                || arguments.maxLengthBytes() != null
                && ready.bytes() + incoming.message().bodySize() > arguments.maxLengthBytes();
    }

    /** Drop-head overflow: while the ready messages are over a limit, the oldest go (after a requeue too). */
    private void dropWhileOverLimit() {
        if (arguments.overflow().rejectsNew() || holdsInsteadOfDropping()) {
            return;
        }
        while (!ready.isEmpty() && (arguments.maxLength() != null && ready.size() > arguments.maxLength()
                || arguments.maxLengthBytes() != null && ready.bytes() > arguments.maxLengthBytes())) {
            QueueEntry victim = arguments.overflow() == Overflow.DROP_TRANSIENT_FIRST
                    ? ready.pollOldestTransient() : null;
            if (victim == null) {
                victim = ready.poll();
            }
            if (victim == null) {
                // The head is paged out and being read back (a lowered limit reaches into the paged backlog):
                // dropping goes on once it is in memory, as dead-lettering needs the body.
                return;
            }
            deadLetter(victim, DeadLetterReason.MAXLEN);
            droppedCount++;
        }
    }

    /** Releases the queue's reference to the entry's message, dead-lettering a copy first if the queue has a DLX. */
    private void deadLetter(QueueEntry entry, DeadLetterReason reason) {
        Message message = entry.message();
        String exchange = arguments.deadLetterExchange();
        if (exchange != null && !DeadLetters.wouldCycle(message, name, reason)) {
            host.deadLetter(exchange, DeadLetters.deadLettered(message, name, reason, exchange,
                    arguments.deadLetterRoutingKey(), arguments.deadLetterHeaders()));
        }
        finish(message);
    }

    /** Lets go of the queue's reference to a message it is done with, after the host has recorded the settle. */
    private void finish(Message message) {
        host.settled(this, message);
        message.release();
    }

    /**
     * Starts delivering to a consumer; completes with the subscription once it is in place, or exceptionally with
     * ACCESS_REFUSED when an exclusive consumer is involved.
     */
    public CompletableFuture<Subscription> subscribe(QueueConsumer consumer, ConsumerOptions options) {
        CompletableFuture<Subscription> result = new CompletableFuture<>();
        owner.execute(() -> {
            if (deleted) {
                result.completeExceptionally(BrokerException.notFound("queue '" + name + "' was deleted"));
                return;
            }
            if (!subscriptions.isEmpty() && (options.exclusive() || subscriptions.get(0).options().exclusive())) {
                result.completeExceptionally(BrokerException.accessRefused(
                        "queue '" + name + "' in exclusive use"));
                return;
            }
            Subscription subscription = new Subscription(this, consumer, options, subscriptionsMade++);
            int position = 0;
            while (position < subscriptions.size()
                    && subscriptions.get(position).options().priority() >= options.priority()) {
                position++;
            }
            subscriptions.add(position, subscription);
            countConsumers();
            hadConsumer = true;
            result.complete(subscription);
            dispatch();
        });
        return result;
    }

    /**
     * Takes one message without a subscription (AMQP basic.get). Completes with null if the queue has none ready.
     * Unless {@code autoAck}, the delivery's subscription settles or requeues it like any other.
     */
    public CompletableFuture<Fetched> get(boolean autoAck) {
        CompletableFuture<Fetched> result = new CompletableFuture<>();
        owner.execute(() -> {
            lastUsedNanos = System.nanoTime();
            fetch(autoAck, result);
        });
        return result;
    }

    /**
     * Answers a get at once unless the next message is being read back from the store (a paged backlog, or one
     * recovered at start-up): then it waits for the read, so that get-empty means the queue has nothing ready.
     */
    private void fetch(boolean autoAck, CompletableFuture<Fetched> result) {
        QueueEntry entry = deleted ? null : nextLive();
        if (entry == null && !deleted && !ready.isEmpty()) {
            waitingGets.add(() -> fetch(autoAck, result));
        } else if (entry == null) {
            result.complete(null);
        } else {
            Subscription getter = new Subscription(this, null, new ConsumerOptions(0, autoAck, false), 0);
            Delivery delivery = handOver(getter, entry);
            publishCounts();
            result.complete(new Fetched(delivery, ready.size()));
        }
        armExpiryTimer();
    }

    /** A message taken by {@link #get}, and how many remain ready after it. */
    public record Fetched(Delivery delivery, int messageCount) {
    }

    /** The queue was declared again or otherwise used: x-expires counts from now. */
    public void markUsed() {
        if (arguments.expiresMillis() != null) {
            long now = System.nanoTime();
            owner.execute(() -> lastUsedNanos = now);
        }
    }

    void settle(Subscription subscription, long entryId) {
        owner.execute(() -> {
            QueueEntry entry = takeUnsettled(subscription, entryId);
            if (entry != null) {
                finish(entry.message());
                rejoinLine(subscription);
                publishCounts();
                dispatch();
            }
        });
    }

    void discard(Subscription subscription, long entryId) {
        owner.execute(() -> {
            QueueEntry entry = takeUnsettled(subscription, entryId);
            if (entry != null) {
                deadLetter(entry, DeadLetterReason.REJECTED);
                rejoinLine(subscription);
                publishCounts();
                dispatch();
            }
        });
    }

    void requeue(Subscription subscription, long entryId) {
        owner.execute(() -> {
            QueueEntry entry = takeUnsettled(subscription, entryId);
            if (entry != null) {
                returnToQueue(entry);
                rejoinLine(subscription);
                publishCounts();
                dispatch();
            }
        });
    }

    /**
     * The delivery a subscription holds, taken out of the unsettled set; null if it holds none by that id or the
     * queue was deleted since (a basic.get delivery outlives its queue: deletion already released its message).
     */
    private QueueEntry takeUnsettled(Subscription subscription, long entryId) {
        return subscription.unsettled.remove(entryId) ? delivered.remove(entryId) : null;
    }

    /** Also when a consumer went offline or came back: the consumer count follows. */
    void resume() {
        owner.execute(() -> {
            countConsumers();
            dispatch();
        });
    }

    /**
     * Counts the consumers a client is behind: an offline MQTT persistent session stays subscribed (for its
     * in-flight messages) but, as in RabbitMQ, is no consumer in the management API or the metrics.
     */
    private void countConsumers() {
        int online = 0;
        for (int i = 0; i < subscriptions.size(); i++) {
            if (subscriptions.get(i).consumer().isOnline()) {
                online++;
            }
        }
        consumerCount = online;
    }

    void cancel(Subscription subscription, boolean requeueUnsettled) {
        owner.execute(() -> {
            if (subscription.cancelled) {
                return;
            }
            subscription.cancelled = true;
            boolean wasConsumer = subscriptions.remove(subscription);
            if (activeConsumer == subscription) {
                activeConsumer = null;
            }
            countConsumers();
            if (requeueUnsettled) {
                for (long entryId : subscription.unsettled) {
                    returnToQueue(delivered.remove(entryId));
                }
                subscription.unsettled.clear();
            }
            publishCounts();
            if (wasConsumer && subscriptions.isEmpty()) {
                lastUsedNanos = System.nanoTime();
                if (settings.autoDelete() && hadConsumer) {
                    host.deleteUnused(this);
                    return;
                }
                checkDisuse();
            }
            dispatch();
        });
    }

    private void returnToQueue(QueueEntry entry) {
        if (deleted) {
            finish(entry.message());
        } else {
            ready.addRequeued(entry.redelivered());
            dropWhileOverLimit();
        }
    }

    /** Drops every message waiting for delivery; completes with how many there were. */
    public CompletableFuture<Integer> purge() {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        owner.execute(() -> {
            int purged = ready.releaseAll(this::finish);
            publishCounts();
            result.complete(purged);
        });
        return result;
    }

    /**
     * The broker is shutting down: lets go of every message held in memory without settling it, so that the store
     * keeps what is durable for the next run. Consumers are not told; nothing is delivered afterwards.
     */
    public CompletableFuture<Void> releaseForShutdown() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        owner.execute(() -> {
            if (!deleted) {
                deleted = true;
                retryWaitingGets();
                ready.releaseAll(Message::release);
                delivered.values().forEach(entry -> entry.message().release());
                delivered.clear();
                subscriptions.clear();
                consumerCount = 0;
                activeConsumer = null;
                unblockPublishers();
            }
            result.complete(null);
        });
        return result;
    }

    /**
     * Deletes the queue: consumers are told, waiting and unsettled messages released. Completes with the number
     * of messages that were waiting.
     */
    public CompletableFuture<Integer> delete() {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        owner.execute(() -> {
            if (deleted) {
                result.complete(0);
                return;
            }
            deleted = true;
            retryWaitingGets();
            activeConsumer = null;
            int dropped = ready.releaseAll(this::finish);
            delivered.values().forEach(entry -> finish(entry.message()));
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

    /**
     * Hands messages to consumers with credit until messages or credit run out: the highest consumer priority
     * first, equal priorities in turn; with single-active-consumer only the earliest consumer receives.
     */
    private void dispatch() {
        assert owner.isCurrentThread() : onWrongThread();
        while (!ready.isEmpty()) {
            Subscription subscription = nextWithCredit();
            if (subscription == null) {
                break;
            }
            QueueEntry entry = nextLive();
            if (entry == null) {
                subscription.consumer().releaseClaim();
                break;
            }
            subscription.consumer().deliver(handOver(subscription, entry));
        }
        expireHeads();
        publishCounts();
        armExpiryTimer();
    }

    private Subscription nextWithCredit() {
        int count = subscriptions.size();
        if (arguments.singleActiveConsumer()) {
            Subscription active = singleActiveConsumer();
            return active != null && active.claimCredit() ? active : null;
        }
        String publisher = arguments.consumerSelection() == ConsumerSelection.HASH_PUBLISHER ? headPublisher() : null;
        // Sticky: the turn stays with the consumer served until it lacks credit.
        int advance = arguments.consumerSelection() == ConsumerSelection.STICKY ? 0 : 1;
        int groupStart = 0;
        while (groupStart < count) {
            int priority = subscriptions.get(groupStart).options().priority();
            int groupEnd = groupStart + 1;
            while (groupEnd < count && subscriptions.get(groupEnd).options().priority() == priority) {
                groupEnd++;
            }
            if (publisher != null) {
                // The publisher's consumer or nobody: the next message waits for it, so its messages stay in order.
                Subscription chosen = chosenFor(publisher, groupStart, groupEnd);
                return chosen.claimCredit() ? chosen : null;
            }
            int groupSize = groupEnd - groupStart;
            for (int turn = 0; turn < groupSize; turn++) {
                int index = groupStart + Math.floorMod(nextSubscription + turn, groupSize);
                Subscription candidate = subscriptions.get(index);
                if (candidate.claimCredit()) {
                    nextSubscription = index - groupStart + advance;
                    return candidate;
                }
                candidate.passedOver = true;
            }
            groupStart = groupEnd;
        }
        return null;
    }

    private String headPublisher() {
        QueueEntry head = ready.peek();
        return head == null ? null : head.message().publisher();
    }

    /**
     * Rendezvous hashing over the group of highest priority: each consumer scores the publisher with its own key,
     * the highest score wins. The choice depends on who is in the group, not on their order in the line (which
     * turns), and a consumer leaving moves only its own publishers.
     */
    private Subscription chosenFor(String publisher, int groupStart, int groupEnd) {
        int publisherHash = publisher.hashCode();
        Subscription chosen = null;
        long best = Long.MIN_VALUE;
        for (int i = groupStart; i < groupEnd; i++) {
            Subscription candidate = subscriptions.get(i);
            long score = mix(publisherHash * 0x9E3779B97F4A7C15L + candidate.selectionKey);
            if (score > best) {
                best = score;
                chosen = candidate;
            }
        }
        return chosen;
    }

    /** A 64-bit finaliser (SplitMix64's), so that neighbouring keys score far apart. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * RabbitMQ's line of consumers: the one served goes to the back (the rotation), and one passed over for lack of
     * credit goes to the back once it has credit again, behind those that kept theirs. Its priority group is put in
     * line order, the next to serve first, with this consumer moved last.
     */
    private void rejoinLine(Subscription subscription) {
        assert owner.isCurrentThread() : onWrongThread();
        if (!subscription.passedOver) {
            return;
        }
        subscription.passedOver = false;
        int index = subscriptions.indexOf(subscription);
        if (index < 0 || arguments.singleActiveConsumer()) {
            // A basic.get or a cancelled consumer; with a single active consumer the order of arrival rules.
            return;
        }
        int priority = subscription.options().priority();
        int groupStart = index;
        while (groupStart > 0 && subscriptions.get(groupStart - 1).options().priority() == priority) {
            groupStart--;
        }
        int groupEnd = index + 1;
        while (groupEnd < subscriptions.size() && subscriptions.get(groupEnd).options().priority() == priority) {
            groupEnd++;
        }
        List<Subscription> group = subscriptions.subList(groupStart, groupEnd);
        Collections.rotate(group, -Math.floorMod(nextSubscription, group.size()));
        group.remove(subscription);
        group.add(subscription);
        nextSubscription = 0;
    }

    /**
     * RabbitMQ's rule: the active consumer is the one of highest priority, the earliest among equals. One that
     * subscribes with a higher priority than the active one takes over, but only once the active one has settled
     * everything it holds, so that messages are still processed in order; until then nobody receives.
     */
    private Subscription singleActiveConsumer() {
        if (subscriptions.isEmpty()) {
            return null;
        }
        Subscription first = subscriptions.get(0);
        if (activeConsumer == null) {
            activeConsumer = first;
        }
        if (first.options().priority() > activeConsumer.options().priority()) {
            if (!activeConsumer.unsettled.isEmpty()) {
                return null;
            }
            activeConsumer = first;
        }
        return activeConsumer;
    }

    /** The next ready message that has not expired; expired ones met on the way are dead-lettered. */
    private QueueEntry nextLive() {
        long now = System.nanoTime();
        for (QueueEntry entry; (entry = ready.poll()) != null; ) {
            if (!entry.isExpired(now)) {
                return entry;
            }
            deadLetter(entry, DeadLetterReason.EXPIRED);
        }
        return null;
    }

    private Delivery handOver(Subscription subscription, QueueEntry entry) {
        Message message = entry.message();
        if (subscription.options().autoAck()) {
            // The queue's reference passes to the delivery: nothing is left to settle.
            host.settled(this, message);
            return new Delivery(subscription, entry.id(), message, entry.isRedelivered(), entry.grantedQos());
        }
        delivered.put(entry.id(), entry);
        subscription.unsettled.add(entry.id());
        return new Delivery(subscription, entry.id(), message.retain(), entry.isRedelivered(), entry.grantedQos());
    }

    private void expireHeads() {
        long now = System.nanoTime();
        for (QueueEntry entry; (entry = ready.pollExpiredHead(now)) != null; ) {
            deadLetter(entry, DeadLetterReason.EXPIRED);
        }
    }

    /** Keeps one timer armed for the earliest expiring head, so TTLs act without any publish or consume. */
    private void armExpiryTimer() {
        if (!ready.findEarliestExpiringHead()
                || expiryTimerArmed && expiryTimerDeadline - ready.earliestHeadExpiry() <= 0) {
            return;
        }
        expiryTimerArmed = true;
        expiryTimerDeadline = ready.earliestHeadExpiry();
        owner.scheduleAt(expiryTimerDeadline, this::onExpiryTimer);
    }

    private void afterReadBack() {
        retryWaitingGets();
        if (!deleted) {
            dropWhileOverLimit();
            dispatch();
        }
    }

    private void retryWaitingGets() {
        if (!waitingGets.isEmpty()) {
            List<Runnable> retries = List.copyOf(waitingGets);
            waitingGets.clear();
            retries.forEach(Runnable::run);
        }
    }

    private void onExpiryTimer() {
        expiryTimerArmed = false;
        if (!deleted) {
            dispatch();
        }
    }

    /** x-expires: a queue with no consumers that nobody used for the period is deleted. */
    private void checkDisuse() {
        assert owner.isCurrentThread() : onWrongThread();
        Long expires = arguments.expiresMillis();
        if (deleted || expires == null || !subscriptions.isEmpty() || disuseTimerArmed) {
            return;
        }
        long deadline = lastUsedNanos + TimeUnit.MILLISECONDS.toNanos(expires);
        if (deadline - System.nanoTime() <= 0) {
            host.deleteUnused(this);
        } else {
            disuseTimerArmed = true;
            owner.scheduleAt(deadline, () -> {
                disuseTimerArmed = false;
                checkDisuse();
            });
        }
    }

    private void publishCounts() {
        assert owner.isCurrentThread() : onWrongThread();
        readyCount = ready.size();
        unsettledCount = delivered.size();
        updateFlow();
    }

    private void updateFlow() {
        if (!flowLimits.enabled()) {
            return;
        }
        boolean consumed = !deleted && hasOnlineConsumer();
        if (!aboveHighWatermark) {
            aboveHighWatermark = consumed && flowLimits.reachesHigh(ready.size(), ready.bytes());
        } else if (!consumed || flowLimits.belowLow(ready.size(), ready.bytes())) {
            unblockPublishers();
        }
    }

    /**
     * A queue with its own high-water mark ({@code x-flow-high-watermark} above 0: an MQTT session's queue under
     * {@code mqtt.slow_subscriber = hold}) holds its publishers back rather than dropping while a consumer is online:
     * what reached the queue before the hold took effect (a read batch, the inbox) overshoots the length bound
     * without being dropped. Once every consumer is offline the bound applies again, from the next message on.
     */
    private boolean holdsInsteadOfDropping() {
        Long ownMark = arguments.flowHighWatermark();
        return ownMark != null && ownMark > 0 && hasOnlineConsumer();
    }

    private boolean hasOnlineConsumer() {
        for (int i = 0; i < subscriptions.size(); i++) {
            if (subscriptions.get(i).consumer().isOnline()) {
                return true;
            }
        }
        return false;
    }

    private void unblockPublishers() {
        aboveHighWatermark = false;
        if (blockedPublishers != null && !blockedPublishers.isEmpty()) {
            blockedPublishers.forEach(PublisherFlow::unblock);
            blockedPublishers.clear();
        }
    }

    @Override
    public String toString() {
        return "queue '" + name + "'";
    }

    private String onWrongThread() {
        return "queue '" + name + "' touched from " + Thread.currentThread().getName() + ", not its owner thread";
    }
}
