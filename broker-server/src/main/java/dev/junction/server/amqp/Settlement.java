package dev.junction.server.amqp;

/** What the client decided for delivered messages: basic.ack, or nack/reject with or without requeue. */
enum Settlement {
    ACK,
    REQUEUE,
    DISCARD
}
