package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * The input broke the protocol. The decoder emits exactly one of these and ignores all further input; the handler
 * must close the network connection (which publishes the will, [MQTT-3.1.2-8]).
 *
 * @param violation what kind of rule was broken, for the handler to act on without reading the reason
 * @param reason    which rule was broken, naming the packet and, where the standard numbers it, the rule
 */
public record MalformedPacket(Violation violation, String reason) implements MqttInbound {
    /** The kinds of broken input a handler treats differently. */
    public enum Violation {
        /** The packet breaks the packet format or a rule of the standard. */
        MALFORMED,
        /** The packet is larger than the maximum packet size the server accepts. */
        PACKET_TOO_LARGE
    }

    public MalformedPacket {
        Objects.requireNonNull(violation, "violation");
        Objects.requireNonNull(reason, "reason");
    }

    /** A packet that breaks the format or a rule of the standard. */
    public MalformedPacket(String reason) {
        this(Violation.MALFORMED, reason);
    }
}
