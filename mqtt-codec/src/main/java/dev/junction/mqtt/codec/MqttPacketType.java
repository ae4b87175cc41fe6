package dev.junction.mqtt.codec;

/** Control packet types with their code in the upper four bits of the first fixed-header byte. */
public enum MqttPacketType {
    CONNECT(1),
    CONNACK(2),
    PUBLISH(3),
    PUBACK(4),
    PUBREC(5),
    PUBREL(6),
    PUBCOMP(7),
    SUBSCRIBE(8),
    SUBACK(9),
    UNSUBSCRIBE(10),
    UNSUBACK(11),
    PINGREQ(12),
    PINGRESP(13),
    DISCONNECT(14),
    /** MQTT 5.0 only; reserved in 3.1.1. */
    AUTH(15);

    private static final MqttPacketType[] BY_CODE = new MqttPacketType[16];

    static {
        for (MqttPacketType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    MqttPacketType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @return the type for a 4-bit code, or {@code null} for the reserved code 0 */
    static MqttPacketType ofCode(int code) {
        return BY_CODE[code];
    }

    /**
     * The fixed-header flags every packet of this type must carry (section 2.2.2). PUBLISH flags vary and are
     * checked separately.
     */
    int requiredFlags() {
        return switch (this) {
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> 0b0010;
            default -> 0;
        };
    }
}
