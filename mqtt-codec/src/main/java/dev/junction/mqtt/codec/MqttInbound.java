package dev.junction.mqtt.codec;

/**
 * Everything {@link MqttDecoder} emits: a well-formed packet, or one of the two outcomes the connection handler
 * must answer by closing the connection.
 */
public sealed interface MqttInbound permits MqttPacket, MalformedPacket, UnacceptableProtocolLevel {
}
