package dev.junction.mqtt.codec;

import static dev.junction.mqtt.codec.MqttPacketType.AUTH;
import static dev.junction.mqtt.codec.MqttPacketType.CONNACK;
import static dev.junction.mqtt.codec.MqttPacketType.CONNECT;
import static dev.junction.mqtt.codec.MqttPacketType.DISCONNECT;
import static dev.junction.mqtt.codec.MqttPacketType.PUBACK;
import static dev.junction.mqtt.codec.MqttPacketType.PUBCOMP;
import static dev.junction.mqtt.codec.MqttPacketType.PUBLISH;
import static dev.junction.mqtt.codec.MqttPacketType.PUBREC;
import static dev.junction.mqtt.codec.MqttPacketType.PUBREL;
import static dev.junction.mqtt.codec.MqttPacketType.SUBACK;
import static dev.junction.mqtt.codec.MqttPacketType.SUBSCRIBE;
import static dev.junction.mqtt.codec.MqttPacketType.UNSUBACK;
import static dev.junction.mqtt.codec.MqttPacketType.UNSUBSCRIBE;

import java.util.EnumSet;
import java.util.Set;

/**
 * The MQTT 5.0 properties (section 2.2.2.2): identifier, value type, where each may appear, and the value ranges
 * the standard fixes. {@code null} as a place stands for the will properties of CONNECT.
 */
enum MqttProperty {
    PAYLOAD_FORMAT_INDICATOR(0x01, Type.BYTE, true, PUBLISH),
    MESSAGE_EXPIRY_INTERVAL(0x02, Type.FOUR_BYTE, true, PUBLISH),
    CONTENT_TYPE(0x03, Type.UTF8, true, PUBLISH),
    RESPONSE_TOPIC(0x08, Type.UTF8, true, PUBLISH),
    CORRELATION_DATA(0x09, Type.BINARY, true, PUBLISH),
    SUBSCRIPTION_IDENTIFIER(0x0B, Type.VARIABLE_BYTE, false, PUBLISH, SUBSCRIBE),
    SESSION_EXPIRY_INTERVAL(0x11, Type.FOUR_BYTE, false, CONNECT, CONNACK, DISCONNECT),
    ASSIGNED_CLIENT_IDENTIFIER(0x12, Type.UTF8, false, CONNACK),
    SERVER_KEEP_ALIVE(0x13, Type.TWO_BYTE, false, CONNACK),
    AUTHENTICATION_METHOD(0x15, Type.UTF8, false, CONNECT, CONNACK, AUTH),
    AUTHENTICATION_DATA(0x16, Type.BINARY, false, CONNECT, CONNACK, AUTH),
    REQUEST_PROBLEM_INFORMATION(0x17, Type.BYTE, false, CONNECT),
    WILL_DELAY_INTERVAL(0x18, Type.FOUR_BYTE, true),
    REQUEST_RESPONSE_INFORMATION(0x19, Type.BYTE, false, CONNECT),
    RESPONSE_INFORMATION(0x1A, Type.UTF8, false, CONNACK),
    SERVER_REFERENCE(0x1C, Type.UTF8, false, CONNACK, DISCONNECT),
    REASON_STRING(0x1F, Type.UTF8, false, CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT,
            AUTH),
    RECEIVE_MAXIMUM(0x21, Type.TWO_BYTE, false, CONNECT, CONNACK),
    TOPIC_ALIAS_MAXIMUM(0x22, Type.TWO_BYTE, false, CONNECT, CONNACK),
    TOPIC_ALIAS(0x23, Type.TWO_BYTE, false, PUBLISH),
    MAXIMUM_QOS(0x24, Type.BYTE, false, CONNACK),
    RETAIN_AVAILABLE(0x25, Type.BYTE, false, CONNACK),
    USER_PROPERTY(0x26, Type.UTF8_PAIR, true, CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP,
            SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, DISCONNECT, AUTH),
    MAXIMUM_PACKET_SIZE(0x27, Type.FOUR_BYTE, false, CONNECT, CONNACK),
    WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, Type.BYTE, false, CONNACK),
    SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, Type.BYTE, false, CONNACK),
    SHARED_SUBSCRIPTION_AVAILABLE(0x2A, Type.BYTE, false, CONNACK);

    enum Type { BYTE, TWO_BYTE, FOUR_BYTE, VARIABLE_BYTE, UTF8, BINARY, UTF8_PAIR }

    /** The largest variable byte integer (section 1.5.5). */
    static final int MAX_VARIABLE_BYTE_INTEGER = 268_435_455;

    private static final MqttProperty[] BY_ID = new MqttProperty[0x2B];

    static {
        for (MqttProperty property : values()) {
            BY_ID[property.id] = property;
        }
    }

    final int id;
    final Type type;
    private final boolean inWill;
    private final Set<MqttPacketType> packets;

    MqttProperty(int id, Type type, boolean inWill, MqttPacketType... packets) {
        this.id = id;
        this.type = type;
        this.inWill = inWill;
        this.packets = packets.length == 0 ? EnumSet.noneOf(MqttPacketType.class) : EnumSet.of(packets[0], packets);
    }

    /** @return the property with this identifier, or {@code null} for an unknown one */
    static MqttProperty ofId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** @param packet the packet type, or {@code null} for the will properties */
    boolean allowedIn(MqttPacketType packet) {
        return packet == null ? inWill : packets.contains(packet);
    }

    /**
     * May appear more than once: user properties always; subscription identifiers in PUBLISH (one per matching
     * subscription), but only once in SUBSCRIBE (section 3.8.2.1.2).
     */
    boolean repeatableIn(MqttPacketType packet) {
        return this == USER_PROPERTY || (this == SUBSCRIPTION_IDENTIFIER && packet == PUBLISH);
    }

    /**
     * The range the standard fixes for a numeric value; anything outside it is a Protocol Error.
     *
     * @return why {@code value} is out of range, or {@code null} if it is fine
     */
    String rangeProblem(long value) {
        return switch (this) {
            case PAYLOAD_FORMAT_INDICATOR, REQUEST_PROBLEM_INFORMATION, REQUEST_RESPONSE_INFORMATION, MAXIMUM_QOS,
                    RETAIN_AVAILABLE, WILDCARD_SUBSCRIPTION_AVAILABLE, SUBSCRIPTION_IDENTIFIER_AVAILABLE,
                    SHARED_SUBSCRIPTION_AVAILABLE -> value == 0 || value == 1 ? null : "must be 0 or 1";
            case RECEIVE_MAXIMUM, MAXIMUM_PACKET_SIZE, SUBSCRIPTION_IDENTIFIER, TOPIC_ALIAS ->
                    value == 0 ? "must not be 0" : null;
            default -> null;
        };
    }

    /** The largest value the type can carry. */
    long maxValue() {
        return switch (type) {
            case BYTE -> 0xFF;
            case TWO_BYTE -> 0xFFFF;
            case FOUR_BYTE -> 0xFFFF_FFFFL;
            case VARIABLE_BYTE -> MAX_VARIABLE_BYTE_INTEGER;
            default -> throw new IllegalStateException(this + " is not numeric");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " (0x" + Integer.toHexString(id) + ")";
    }
}
