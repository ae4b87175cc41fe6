package dev.junction.mqtt.codec;

import static dev.junction.mqtt.codec.MqttPacketType.AUTH;
import static dev.junction.mqtt.codec.MqttPacketType.CONNACK;
import static dev.junction.mqtt.codec.MqttPacketType.DISCONNECT;
import static dev.junction.mqtt.codec.MqttPacketType.PUBACK;
import static dev.junction.mqtt.codec.MqttPacketType.PUBCOMP;
import static dev.junction.mqtt.codec.MqttPacketType.PUBREC;
import static dev.junction.mqtt.codec.MqttPacketType.PUBREL;
import static dev.junction.mqtt.codec.MqttPacketType.SUBACK;
import static dev.junction.mqtt.codec.MqttPacketType.UNSUBACK;

import java.util.EnumSet;
import java.util.Set;

/**
 * MQTT 5.0 reason codes (section 2.4) with the packets that may carry each. 0x00 is one constant, {@link #SUCCESS},
 * whose spec names differ by packet ("Normal disconnection" in DISCONNECT, "Granted QoS 0" in SUBACK); the static
 * aliases below name it so. Codes of 0x80 and above are failures.
 */
public enum ReasonCode {
    SUCCESS(0x00, CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH),
    GRANTED_QOS_1(0x01, SUBACK),
    GRANTED_QOS_2(0x02, SUBACK),
    DISCONNECT_WITH_WILL_MESSAGE(0x04, DISCONNECT),
    NO_MATCHING_SUBSCRIBERS(0x10, PUBACK, PUBREC),
    NO_SUBSCRIPTION_EXISTED(0x11, UNSUBACK),
    CONTINUE_AUTHENTICATION(0x18, AUTH),
    RE_AUTHENTICATE(0x19, AUTH),
    UNSPECIFIED_ERROR(0x80, CONNACK, PUBACK, PUBREC, SUBACK, UNSUBACK, DISCONNECT),
    MALFORMED_PACKET(0x81, CONNACK, DISCONNECT),
    PROTOCOL_ERROR(0x82, CONNACK, DISCONNECT),
    IMPLEMENTATION_SPECIFIC_ERROR(0x83, CONNACK, PUBACK, PUBREC, SUBACK, UNSUBACK, DISCONNECT),
    UNSUPPORTED_PROTOCOL_VERSION(0x84, CONNACK),
    CLIENT_IDENTIFIER_NOT_VALID(0x85, CONNACK),
    BAD_USER_NAME_OR_PASSWORD(0x86, CONNACK),
    NOT_AUTHORIZED(0x87, CONNACK, PUBACK, PUBREC, SUBACK, UNSUBACK, DISCONNECT),
    SERVER_UNAVAILABLE(0x88, CONNACK),
    SERVER_BUSY(0x89, CONNACK, DISCONNECT),
    BANNED(0x8A, CONNACK),
    SERVER_SHUTTING_DOWN(0x8B, DISCONNECT),
    BAD_AUTHENTICATION_METHOD(0x8C, CONNACK, DISCONNECT),
    KEEP_ALIVE_TIMEOUT(0x8D, DISCONNECT),
    SESSION_TAKEN_OVER(0x8E, DISCONNECT),
    TOPIC_FILTER_INVALID(0x8F, SUBACK, UNSUBACK, DISCONNECT),
    TOPIC_NAME_INVALID(0x90, CONNACK, PUBACK, PUBREC, DISCONNECT),
    PACKET_IDENTIFIER_IN_USE(0x91, PUBACK, PUBREC, SUBACK, UNSUBACK),
    PACKET_IDENTIFIER_NOT_FOUND(0x92, PUBREL, PUBCOMP),
    RECEIVE_MAXIMUM_EXCEEDED(0x93, DISCONNECT),
    TOPIC_ALIAS_INVALID(0x94, DISCONNECT),
    PACKET_TOO_LARGE(0x95, CONNACK, DISCONNECT),
    MESSAGE_RATE_TOO_HIGH(0x96, DISCONNECT),
    QUOTA_EXCEEDED(0x97, CONNACK, PUBACK, PUBREC, SUBACK, DISCONNECT),
    ADMINISTRATIVE_ACTION(0x98, DISCONNECT),
    PAYLOAD_FORMAT_INVALID(0x99, CONNACK, PUBACK, PUBREC, DISCONNECT),
    RETAIN_NOT_SUPPORTED(0x9A, CONNACK, DISCONNECT),
    QOS_NOT_SUPPORTED(0x9B, CONNACK, DISCONNECT),
    USE_ANOTHER_SERVER(0x9C, CONNACK, DISCONNECT),
    SERVER_MOVED(0x9D, CONNACK, DISCONNECT),
    SHARED_SUBSCRIPTIONS_NOT_SUPPORTED(0x9E, SUBACK, DISCONNECT),
    CONNECTION_RATE_EXCEEDED(0x9F, CONNACK, DISCONNECT),
    MAXIMUM_CONNECT_TIME(0xA0, DISCONNECT),
    SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED(0xA1, SUBACK, DISCONNECT),
    WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED(0xA2, SUBACK, DISCONNECT);

    /** 0x00 in DISCONNECT. */
    public static final ReasonCode NORMAL_DISCONNECTION = SUCCESS;
    /** 0x00 in SUBACK. */
    public static final ReasonCode GRANTED_QOS_0 = SUCCESS;

    private static final ReasonCode[] BY_VALUE = new ReasonCode[256];

    static {
        for (ReasonCode code : values()) {
            BY_VALUE[code.value] = code;
        }
    }

    private final int value;
    private final Set<MqttPacketType> packets;

    ReasonCode(int value, MqttPacketType first, MqttPacketType... rest) {
        this.value = value;
        this.packets = EnumSet.of(first, rest);
    }

    public int value() {
        return value;
    }

    public boolean isFailure() {
        return value >= 0x80;
    }

    /** @return whether the spec lets a packet of this type carry this code (the table in section 2.4) */
    public boolean allowedIn(MqttPacketType type) {
        return packets.contains(type);
    }

    /** The SUBACK code granting {@code qos}. */
    public static ReasonCode granted(MqttQos qos) {
        return switch (qos) {
            case AT_MOST_ONCE -> SUCCESS;
            case AT_LEAST_ONCE -> GRANTED_QOS_1;
            case EXACTLY_ONCE -> GRANTED_QOS_2;
        };
    }

    /** @return the code with this value that {@code type} may carry, or {@code null} if there is none */
    static ReasonCode of(int value, MqttPacketType type) {
        ReasonCode code = value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
        return code != null && code.allowedIn(type) ? code : null;
    }

    /** @throws IllegalArgumentException if {@code type} may not carry {@code code} */
    static ReasonCode requireAllowed(ReasonCode code, MqttPacketType type) {
        if (code == null || !code.allowedIn(type)) {
            throw new IllegalArgumentException(type + " cannot carry reason code " + code + " (section 2.4)");
        }
        return code;
    }
}
