package dev.junction.core.queue;

/**
 * How a consumer takes messages. {@code prefetch} bounds its unsettled deliveries (0: unbounded); with
 * {@code autoAck} a delivery is settled as it is handed over, as AMQP's no-ack and MQTT's QoS 0 want. With
 * {@code exclusive} no other consumer may share the queue. Consumers of higher {@code priority} are served first
 * while they have credit; equal priorities take turns.
 */
public record ConsumerOptions(int prefetch, boolean autoAck, boolean exclusive, int priority) {
    public ConsumerOptions {
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must not be negative, was " + prefetch);
        }
    }

    public ConsumerOptions(int prefetch, boolean autoAck, boolean exclusive) {
        this(prefetch, autoAck, exclusive, 0);
    }
}
