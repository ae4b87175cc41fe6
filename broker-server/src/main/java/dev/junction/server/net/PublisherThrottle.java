package dev.junction.server.net;

import dev.junction.core.queue.PublisherFlow;
import dev.junction.core.queue.Queue;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One publishing connection as the queues see it (issue #5): queues above their high-water mark block it, and it
 * stops reading while any of them does, whatever the protocol. The queues call from their shard threads; each
 * change of "blocked at all" runs {@code onChange} on the connection's event loop, where the connection decides
 * about reading (an event-loop task reads the current count, so changes that overtake each other still end in
 * the last state).
 */
public final class PublisherThrottle implements PublisherFlow {
    private static final AttributeKey<PublisherThrottle> ATTRIBUTE = AttributeKey.valueOf("junction.throttle");

    private final AtomicInteger blockingQueues = new AtomicInteger();
    private final Channel channel;
    private final Runnable onChange;

    public PublisherThrottle(Channel channel, Runnable onChange) {
        this.channel = channel;
        this.onChange = onChange;
        channel.attr(ATTRIBUTE).set(this);
    }

    /**
     * After a publish, on the event loop: each queue it reached may hold this publisher back. Once one does, the
     * connection is told at once rather than by the queued task, so that reading stops within the read loop the
     * event loop is in, not after it (which can hold hundreds of publishes). A publisher already held back does
     * not ask the queues again: were another queue above its mark too, the first publish after the release
     * would be held by that one.
     */
    public void published(List<Queue> targets) {
        if (isBlocked()) {
            onChange.run();
            return;
        }
        for (int i = 0; i < targets.size(); i++) {
            targets.get(i).throttle(this);
        }
    }

    /** Whether some queue holds this publisher back now. */
    public boolean isBlocked() {
        return blockingQueues.get() > 0;
    }

    @Override
    public void block() {
        if (blockingQueues.getAndIncrement() == 0) {
            channel.eventLoop().execute(onChange);
        }
    }

    @Override
    public void unblock() {
        if (blockingQueues.decrementAndGet() == 0) {
            channel.eventLoop().execute(onChange);
        }
    }

    /** RabbitMQ's connection states for the management API: "flow" while a queue holds the publisher back. */
    public static String state(Channel channel) {
        PublisherThrottle throttle = channel.attr(ATTRIBUTE).get();
        return throttle != null && throttle.isBlocked() ? "flow" : "running";
    }
}
