package dev.junction.bench.mqtt;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Limits how far publishers may run ahead of what subscribers of the same process have received, counted end to
 * end. Without it a QoS 0 publisher only measures how fast the broker can buffer or drop, not how fast it delivers;
 * with it every broker is driven at the rate it really delivers, and none is flooded into unbounded memory.
 *
 * <p>A message counts as received once {@code fanout} deliveries have arrived for it (in total, not per message,
 * so a lost QoS 0 delivery shrinks the window by one message for the rest of the run instead of stalling it). The
 * fan-out may be a fraction, {@code fanoutDeliveries / fanoutMessages}, when messages reach different numbers of
 * subscribers: rounding it would let the window drift open (or shut) by the rounding error on every message.
 */
final class DeliveryWindow {
    private final long fanoutDeliveries;
    private final long fanoutMessages;
    /** Deliveries between two looks for a starved publisher: a whole message's worth at least. */
    private final long wakeEvery;
    private final long maxAhead;
    private final long expectedDeliveries;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Queue<Runnable> starvedPublishers = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> allDelivered = new CompletableFuture<>();
    private volatile long firstSendNanos;
    private volatile long lastDeliveryNanos;

    /**
     * @param fanout             deliveries each published message causes (subscribers matching it)
     * @param maxAhead           messages published but not yet received, at most
     * @param expectedDeliveries deliveries after which {@link #allDelivered()} completes
     */
    DeliveryWindow(int fanout, long maxAhead, long expectedDeliveries) {
        this(fanout, 1, maxAhead, expectedDeliveries);
    }

    private DeliveryWindow(long fanoutDeliveries, long fanoutMessages, long maxAhead, long expectedDeliveries) {
        if (fanoutDeliveries < 1 || fanoutMessages < 1 || maxAhead < 1) {
            throw new IllegalArgumentException("fanout and maxAhead must be positive");
        }
        this.fanoutDeliveries = fanoutDeliveries;
        this.fanoutMessages = fanoutMessages;
        this.wakeEvery = Math.max(1, fanoutDeliveries / fanoutMessages);
        this.maxAhead = maxAhead;
        this.expectedDeliveries = expectedDeliveries;
    }

    /**
     * A window for {@code messages} that together cause {@code expectedDeliveries}, each counted as received after
     * the average fan-out. {@code maxAhead} times the deliveries must stay within a long.
     */
    static DeliveryWindow averaging(long messages, long expectedDeliveries, long maxAhead) {
        return new DeliveryWindow(expectedDeliveries, messages, maxAhead, expectedDeliveries);
    }

    /**
     * Takes one message's credit, or registers {@code wake} to run (on a delivering thread) once credit may be
     * back. A publisher may be woken without credit; it then simply asks again.
     */
    boolean tryAcquire(Runnable wake) {
        while (true) {
            if (hasCredit()) {
                if (sent.getAndIncrement() == 0) {
                    firstSendNanos = System.nanoTime();
                }
                return true;
            }
            starvedPublishers.add(wake);
            if (!hasCredit()) {
                return false;
            }
            // A delivery freed credit between the two checks and may have polled an empty queue: retry.
        }
    }

    /** Waking a publisher costs a cross-thread hand-off: wake it for a batch of half the window, not per message. */
    private boolean halfFree(long deliveredCount) {
        return ahead(deliveredCount) <= maxAhead * fanoutDeliveries / 2;
    }

    private boolean hasCredit() {
        return ahead(delivered.get()) < maxAhead * fanoutDeliveries;
    }

    /** Messages sent and not yet received, in units of 1 / {@code fanoutDeliveries} message. */
    private long ahead(long deliveredCount) {
        return sent.get() * fanoutDeliveries - deliveredCount * fanoutMessages;
    }

    void recordDelivery() {
        long count = delivered.incrementAndGet();
        lastDeliveryNanos = System.nanoTime();
        if (count % wakeEvery == 0 && !starvedPublishers.isEmpty() && halfFree(count)) {
            Runnable wake = starvedPublishers.poll();
            if (wake != null) {
                wake.run();
            }
        }
        if (count == expectedDeliveries) {
            allDelivered.complete(null);
        }
    }

    /** Ends the wait for deliveries: a connection of the run failed. */
    void abort(Throwable cause) {
        allDelivered.completeExceptionally(cause);
    }

    CompletableFuture<Void> allDelivered() {
        return allDelivered;
    }

    long sent() {
        return sent.get();
    }

    long delivered() {
        return delivered.get();
    }

    /** From the first message's send to the last delivery so far; 0 before any delivery. */
    long elapsedNanos() {
        long last = lastDeliveryNanos;
        return last == 0 ? 0 : last - firstSendNanos;
    }
}
