package dev.junction.amqp.codec;

import dev.junction.amqp.codec.method.AmqpMethod;

/**
 * Emitted by {@link AmqpFrameDecoder} instead of an {@link AmqpCommand} when a content header declares a body
 * larger than the decoder's maximum body size. The body frames that follow are counted and dropped as they
 * arrive, never buffered, so a client cannot make the broker hold a body it would refuse anyway; the server
 * answers on the channel (RabbitMQ: channel.close 406 PRECONDITION_FAILED).
 */
public record OversizedContent(int channel, AmqpMethod method, long bodySize) {
}
