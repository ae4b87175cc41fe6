package dev.junction.mqtt.codec;

/** Signals a protocol violation inside the decoder; it becomes a {@link MalformedPacket}. */
final class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    private final MalformedPacket.Violation violation;

    MalformedPacketException(String reason) {
        this(MalformedPacket.Violation.MALFORMED, reason);
    }

    MalformedPacketException(MalformedPacket.Violation violation, String reason) {
        // No stack trace: a client can trigger this at will, and the reason says everything.
        super(reason, null, false, false);
        this.violation = violation;
    }

    MalformedPacket toPacket(MqttProtocolVersion version) {
        return new MalformedPacket(violation, getMessage(), version);
    }
}
