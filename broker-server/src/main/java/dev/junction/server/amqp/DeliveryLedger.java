package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.AmqpMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consumer side's bookkeeping of one channel, with no I/O: delivery tags, the deliveries still to be
 * acknowledged, and the prefetch limits. Event-loop state, except the in-flight count and the global prefetch,
 * which the queues' shard threads read when deciding whether a consumer can take more.
 */
final class DeliveryLedger {
    private final TreeMap<Long, Unacked> unacked = new TreeMap<>();
    /** Consumer deliveries not yet acknowledged, counted from the queues' threads for the global prefetch. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int globalPrefetch;
    private int consumerPrefetch;
    private long lastDeliveryTag;

    int globalPrefetch() {
        return globalPrefetch;
    }

    void globalPrefetch(int count) {
        globalPrefetch = count;
    }

    int consumerPrefetch() {
        return consumerPrefetch;
    }

    void consumerPrefetch(int count) {
        consumerPrefetch = count;
    }

    /** Whether the channel-wide prefetch leaves room for one more delivery (any thread). */
    boolean belowGlobalPrefetch() {
        int limit = globalPrefetch;
        return limit == 0 || inFlight.get() < limit;
    }

    /**
     * Reserves one delivery under the channel-wide prefetch, from a queue's shard thread. Queues on other shards
     * reserve at the same time, so the check and the count are one compare-and-set: the limit holds exactly.
     */
    boolean claim() {
        while (true) {
            int held = inFlight.get();
            int limit = globalPrefetch;
            if (limit != 0 && held >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(held, held + 1)) {
                return true;
            }
        }
    }

    /** A claimed delivery that will never be acknowledged on this channel: no delivery followed, or it went back. */
    void unclaim() {
        inFlight.decrementAndGet();
    }

    long nextDeliveryTag() {
        return ++lastDeliveryTag;
    }

    void track(Unacked delivery) {
        unacked.put(delivery.deliveryTag(), delivery);
    }

    /**
     * Removes what an ack, nack or reject names: one tag, every tag up to it with {@code multiple}, or everything
     * with {@code multiple} and tag 0. An unknown tag is the channel error RabbitMQ raises.
     */
    List<Unacked> take(long deliveryTag, boolean multiple, AmqpMethod method) {
        if (!multiple) {
            Unacked one = unacked.remove(deliveryTag);
            if (one == null) {
                throw unknownTag(deliveryTag, method);
            }
            return List.of(one);
        }
        Map<Long, Unacked> upTo = deliveryTag == 0 ? unacked : unacked.headMap(deliveryTag, true);
        if (upTo.isEmpty() && deliveryTag != 0) {
            throw unknownTag(deliveryTag, method);
        }
        List<Unacked> taken = new ArrayList<>(upTo.values());
        upTo.clear();
        return taken;
    }

    private static AmqpError unknownTag(long deliveryTag, AmqpMethod method) {
        return AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "unknown delivery tag " + deliveryTag, method);
    }

    List<Unacked> takeAll() {
        List<Unacked> all = new ArrayList<>(unacked.values());
        unacked.clear();
        return all;
    }

    /** Deliveries whose settlement a rollback undid are unacknowledged again, under their old tags. */
    void restore(List<Unacked> deliveries) {
        deliveries.forEach(this::track);
    }

    /** A taken delivery was settled: it no longer counts against the global prefetch. */
    void settled(Unacked delivery) {
        if (delivery.inFlight()) {
            inFlight.decrementAndGet();
        }
    }

    /** Whether acknowledgements are owed or due on this channel. */
    boolean holdsDeliveries() {
        return inFlight.get() > 0 || !unacked.isEmpty();
    }

    int unackedCount() {
        return unacked.size();
    }
}
