package dev.junction.core.queue;

import dev.junction.core.message.Message;

/**
 * A message handed to a consumer. The delivery holds one reference to the message, which the consumer releases
 * once it has written it (an encoder retains what it sends); settling goes through the subscription by
 * {@code entryId}.
 *
 * @param grantedQos the highest QoS granted by the MQTT subscriptions that routed the message to this queue, or
 *                   {@link dev.junction.core.exchange.MqttBindingArguments#NOT_MQTT} when none did (an AMQP binding,
 *                   or a message restored from the store, whose route is not stored)
 */
public record Delivery(Subscription subscription, long entryId, Message message, boolean redelivered,
                       int grantedQos) {
    public Queue queue() {
        return subscription.queue();
    }
}
