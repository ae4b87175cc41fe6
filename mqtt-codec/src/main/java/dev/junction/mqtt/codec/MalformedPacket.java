package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * The input broke the protocol. The decoder emits exactly one of these and ignores all further input; the handler
 * must close the network connection (which publishes the will, [MQTT-3.1.2-8]). On an MQTT 5 connection it first
 * sends the violation's reason code: in a CONNACK if the broken packet was the CONNECT, else in a DISCONNECT
 * (section 4.13).
 *
 * @param violation what kind of rule was broken, for the handler to act on without reading the reason
 * @param reason    which rule was broken, naming the packet and, where the standard numbers it, the rule
 * @param version   the connection's version as far as known: the level of the CONNECT, even of a malformed one
 *                  once its protocol name and level were read; MQTT 3.1.1 before that
 */
public record MalformedPacket(Violation violation, String reason, MqttProtocolVersion version)
        implements MqttInbound {
    /** The kinds of broken input a handler treats differently, each with its MQTT 5 reason code. */
    public enum Violation {
        /** The packet cannot be parsed as the standard defines it. */
        MALFORMED(ReasonCode.MALFORMED_PACKET),
        /** The packet parses but carries data the standard forbids (MQTT 5 draws this line; 3.1.1 does not). */
        PROTOCOL_ERROR(ReasonCode.PROTOCOL_ERROR),
        /** The packet is larger than the maximum packet size the server accepts. */
        PACKET_TOO_LARGE(ReasonCode.PACKET_TOO_LARGE);

        private final ReasonCode reasonCode;

        Violation(ReasonCode reasonCode) {
            this.reasonCode = reasonCode;
        }

        /** The code to send in the CONNACK or DISCONNECT that precedes closing an MQTT 5 connection. */
        public ReasonCode reasonCode() {
            return reasonCode;
        }
    }

    public MalformedPacket {
        Objects.requireNonNull(violation, "violation");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(version, "version");
    }

    /** Broken input on a connection that has not declared MQTT 5. */
    public MalformedPacket(Violation violation, String reason) {
        this(violation, reason, MqttProtocolVersion.MQTT_3_1_1);
    }

    /** A packet that breaks the format on a connection that has not declared MQTT 5. */
    public MalformedPacket(String reason) {
        this(Violation.MALFORMED, reason);
    }

    public ReasonCode reasonCode() {
        return violation.reasonCode();
    }
}
