package dev.junction.amqp.codec;

/**
 * Emitted by {@link AmqpFrameDecoder} when the connection does not start with "AMQP" 0 0 9 1. The spec asks the
 * server to answer with its own header ({@link AmqpProtocolHeader#newBuffer()}) and close the connection.
 *
 * @param received the bytes received up to the first mismatch, printable ASCII kept and others as \xNN
 */
public record ProtocolHeaderMismatch(String received) {
}
