package dev.junction.core.queue;

import dev.junction.core.message.Message;

/**
 * A message handed to a consumer. The delivery holds one reference to the message, which the consumer releases
 * once it has written it (an encoder retains what it sends); settling goes through the subscription by
 * {@code entryId}.
 */
public record Delivery(Subscription subscription, long entryId, Message message, boolean redelivered) {
    public Queue queue() {
        return subscription.queue();
    }
}
