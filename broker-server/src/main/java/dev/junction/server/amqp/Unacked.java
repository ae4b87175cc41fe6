package dev.junction.server.amqp;

import dev.junction.core.queue.Subscription;

/**
 * A delivery the client has still to acknowledge: its tag, where to settle it, and whether it counts against the
 * channel's global prefetch (consumer deliveries do, basic.get results do not).
 */
record Unacked(long deliveryTag, Subscription subscription, long entryId, boolean inFlight) {
}
