package dev.junction.server.mqtt;

/**
 * A retained message as the management API shows it.
 *
 * @param qos     the QoS it was published at
 * @param payload a copy of the payload, or null where only the listing was asked for
 */
public record RetainedMessage(String topic, int qos, int payloadBytes, byte[] payload) {
}
