package dev.junction.amqp.codec;

/** A heartbeat frame, received or to be sent; it carries nothing. */
public enum AmqpHeartbeat {
    INSTANCE
}
