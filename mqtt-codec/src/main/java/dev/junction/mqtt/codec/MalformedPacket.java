package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * The input broke the protocol. The decoder emits exactly one of these and ignores all further input; the handler
 * must close the network connection (which publishes the will, [MQTT-3.1.2-8]).
 *
 * @param reason which rule was broken, naming the packet and, where the standard numbers it, the rule
 */
public record MalformedPacket(String reason) implements MqttInbound {
    public MalformedPacket {
        Objects.requireNonNull(reason, "reason");
    }
}
