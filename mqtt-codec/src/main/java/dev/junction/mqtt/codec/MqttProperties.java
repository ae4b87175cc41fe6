package dev.junction.mqtt.codec;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * The properties of an MQTT 5.0 packet or will (section 2.2.2), immutable. Every property has a typed getter that is
 * empty when the property is absent; the defaults the standard gives to absent properties are for the receiver to
 * apply. User properties keep their order and may repeat; a PUBLISH may carry several subscription identifiers.
 * MQTT 3.1.1 packets always carry {@link #NONE}. Build with {@link #builder()}, which enforces the value ranges the
 * standard fixes (the decoder rejects the same values as a Protocol Error).
 */
public final class MqttProperties {
    private static final MqttProperty[] PROPERTIES = MqttProperty.values();

    public static final MqttProperties NONE = new Builder().build();

    /** A user property (0x26): a name and value pair, both UTF-8 strings. */
    public record UserProperty(String name, String value) {
        public UserProperty {
            MqttUtf8.requireEncodable(name, "user property name");
            MqttUtf8.requireEncodable(value, "user property value");
        }
    }

    /** By {@link MqttProperty#ordinal()}: Long, String or byte[]; unused for the two repeatable properties. */
    private final Object[] values;
    private final List<UserProperty> userProperties;
    private final List<Integer> subscriptionIdentifiers;
    /** The encoded size of the properties, without the property length in front. */
    private final int encodedLength;

    private MqttProperties(Builder builder) {
        values = builder.values.clone();
        userProperties = List.copyOf(builder.userProperties);
        subscriptionIdentifiers = List.copyOf(builder.subscriptionIdentifiers);
        encodedLength = computeEncodedLength();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these properties, to derive changed ones. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        System.arraycopy(values, 0, builder.values, 0, values.length);
        builder.userProperties.addAll(userProperties);
        builder.subscriptionIdentifiers.addAll(subscriptionIdentifiers);
        return builder;
    }

    public boolean isEmpty() {
        return encodedLength == 0;
    }

    /** 0x01, PUBLISH and will: 0 = unspecified bytes, 1 = UTF-8 encoded character data. */
    public OptionalInt payloadFormatIndicator() {
        return integer(MqttProperty.PAYLOAD_FORMAT_INDICATOR);
    }

    /** 0x02, PUBLISH and will: seconds, unsigned 32-bit. */
    public OptionalLong messageExpiryInterval() {
        return longValue(MqttProperty.MESSAGE_EXPIRY_INTERVAL);
    }

    /** 0x03, PUBLISH and will. */
    public Optional<String> contentType() {
        return string(MqttProperty.CONTENT_TYPE);
    }

    /** 0x08, PUBLISH and will. */
    public Optional<String> responseTopic() {
        return string(MqttProperty.RESPONSE_TOPIC);
    }

    /** 0x09, PUBLISH and will; a copy. */
    public Optional<byte[]> correlationData() {
        return binary(MqttProperty.CORRELATION_DATA);
    }

    /**
     * 0x0B: in SUBSCRIBE at most one, in PUBLISH (server to client) one per matching subscription that has one;
     * each in 1..268,435,455.
     */
    public List<Integer> subscriptionIdentifiers() {
        return subscriptionIdentifiers;
    }

    /** 0x11, CONNECT, CONNACK and DISCONNECT: seconds, unsigned 32-bit (0xFFFFFFFF = never expires). */
    public OptionalLong sessionExpiryInterval() {
        return longValue(MqttProperty.SESSION_EXPIRY_INTERVAL);
    }

    /** 0x12, CONNACK. */
    public Optional<String> assignedClientIdentifier() {
        return string(MqttProperty.ASSIGNED_CLIENT_IDENTIFIER);
    }

    /** 0x13, CONNACK: seconds. */
    public OptionalInt serverKeepAlive() {
        return integer(MqttProperty.SERVER_KEEP_ALIVE);
    }

    /** 0x15, CONNECT, CONNACK and AUTH. */
    public Optional<String> authenticationMethod() {
        return string(MqttProperty.AUTHENTICATION_METHOD);
    }

    /** 0x16, CONNECT, CONNACK and AUTH; a copy. */
    public Optional<byte[]> authenticationData() {
        return binary(MqttProperty.AUTHENTICATION_DATA);
    }

    /** 0x17, CONNECT: absent means true. */
    public Optional<Boolean> requestProblemInformation() {
        return flag(MqttProperty.REQUEST_PROBLEM_INFORMATION);
    }

    /** 0x18, will only: seconds, unsigned 32-bit. */
    public OptionalLong willDelayInterval() {
        return longValue(MqttProperty.WILL_DELAY_INTERVAL);
    }

    /** 0x19, CONNECT: absent means false. */
    public Optional<Boolean> requestResponseInformation() {
        return flag(MqttProperty.REQUEST_RESPONSE_INFORMATION);
    }

    /** 0x1A, CONNACK. */
    public Optional<String> responseInformation() {
        return string(MqttProperty.RESPONSE_INFORMATION);
    }

    /** 0x1C, CONNACK and DISCONNECT. */
    public Optional<String> serverReference() {
        return string(MqttProperty.SERVER_REFERENCE);
    }

    /** 0x1F, every acknowledgement, DISCONNECT and AUTH. */
    public Optional<String> reasonString() {
        return string(MqttProperty.REASON_STRING);
    }

    /** 0x21, CONNECT and CONNACK: 1..65535 (absent means 65535). */
    public OptionalInt receiveMaximum() {
        return integer(MqttProperty.RECEIVE_MAXIMUM);
    }

    /** 0x22, CONNECT and CONNACK: absent means 0, no aliases. */
    public OptionalInt topicAliasMaximum() {
        return integer(MqttProperty.TOPIC_ALIAS_MAXIMUM);
    }

    /** 0x23, PUBLISH: 1..65535. */
    public OptionalInt topicAlias() {
        return integer(MqttProperty.TOPIC_ALIAS);
    }

    /** 0x24, CONNACK: 0 or 1 (absent means 2). */
    public Optional<MqttQos> maximumQos() {
        OptionalInt value = integer(MqttProperty.MAXIMUM_QOS);
        return value.isPresent() ? Optional.of(MqttQos.of(value.getAsInt())) : Optional.empty();
    }

    /** 0x25, CONNACK: absent means true. */
    public Optional<Boolean> retainAvailable() {
        return flag(MqttProperty.RETAIN_AVAILABLE);
    }

    /** 0x26, every packet with properties and the will: in order, repeats allowed. */
    public List<UserProperty> userProperties() {
        return userProperties;
    }

    /** 0x27, CONNECT and CONNACK: bytes, 1..4,294,967,295 (absent means no limit beyond the protocol's). */
    public OptionalLong maximumPacketSize() {
        return longValue(MqttProperty.MAXIMUM_PACKET_SIZE);
    }

    /** 0x28, CONNACK: absent means true. */
    public Optional<Boolean> wildcardSubscriptionAvailable() {
        return flag(MqttProperty.WILDCARD_SUBSCRIPTION_AVAILABLE);
    }

    /** 0x29, CONNACK: absent means true. */
    public Optional<Boolean> subscriptionIdentifiersAvailable() {
        return flag(MqttProperty.SUBSCRIPTION_IDENTIFIER_AVAILABLE);
    }

    /** 0x2A, CONNACK: absent means true. */
    public Optional<Boolean> sharedSubscriptionAvailable() {
        return flag(MqttProperty.SHARED_SUBSCRIPTION_AVAILABLE);
    }

    private OptionalInt integer(MqttProperty property) {
        Object value = values[property.ordinal()];
        return value == null ? OptionalInt.empty() : OptionalInt.of(((Long) value).intValue());
    }

    private OptionalLong longValue(MqttProperty property) {
        Object value = values[property.ordinal()];
        return value == null ? OptionalLong.empty() : OptionalLong.of((Long) value);
    }

    private Optional<Boolean> flag(MqttProperty property) {
        Object value = values[property.ordinal()];
        return value == null ? Optional.empty() : Optional.of((Long) value == 1);
    }

    private Optional<String> string(MqttProperty property) {
        return Optional.ofNullable((String) values[property.ordinal()]);
    }

    private Optional<byte[]> binary(MqttProperty property) {
        byte[] value = (byte[]) values[property.ordinal()];
        return value == null ? Optional.empty() : Optional.of(value.clone());
    }

    /** The first property not allowed in {@code packet} ({@code null} = the will), or {@code null} if all are. */
    MqttProperty firstNotAllowedIn(MqttPacketType packet) {
        for (MqttProperty property : PROPERTIES) {
            if (isPresent(property) && !property.allowedIn(packet)) {
                return property;
            }
        }
        return null;
    }

    private boolean isPresent(MqttProperty property) {
        return switch (property) {
            case USER_PROPERTY -> !userProperties.isEmpty();
            case SUBSCRIPTION_IDENTIFIER -> !subscriptionIdentifiers.isEmpty();
            default -> values[property.ordinal()] != null;
        };
    }

    /** The encoded size without the property length in front of it. */
    int encodedLength() {
        return encodedLength;
    }

    /** The encoded size including the property length in front of it. */
    int encodedLengthWithPrefix() {
        return VariableByteInteger.size(encodedLength) + encodedLength;
    }

    private int computeEncodedLength() {
        long length = 0;
        for (MqttProperty property : PROPERTIES) {
            Object value = values[property.ordinal()];
            length += switch (property.type) {
                case UTF8_PAIR -> {
                    long pairs = 0;
                    for (UserProperty pair : userProperties) {
                        pairs += 1 + 2 + MqttUtf8.encodedLength(pair.name()) + 2 + MqttUtf8.encodedLength(pair.value());
                    }
                    yield pairs;
                }
                case VARIABLE_BYTE -> {
                    long ids = 0;
                    for (int id : subscriptionIdentifiers) {
                        ids += 1 + VariableByteInteger.size(id);
                    }
                    yield ids;
                }
                case BYTE -> value == null ? 0 : 2;
                case TWO_BYTE -> value == null ? 0 : 3;
                case FOUR_BYTE -> value == null ? 0 : 5;
                case UTF8 -> value == null ? 0 : 3 + MqttUtf8.encodedLength((String) value);
                case BINARY -> value == null ? 0 : 3 + ((byte[]) value).length;
            };
        }
        if (length > MqttProperty.MAX_VARIABLE_BYTE_INTEGER) {
            throw new IllegalArgumentException("properties of " + length + " bytes cannot be sent");
        }
        return (int) length;
    }

    /** Writes the property length, then the properties in identifier order. */
    void writeTo(ByteBuf buf) {
        VariableByteInteger.write(buf, encodedLength);
        for (MqttProperty property : PROPERTIES) {
            Object value = values[property.ordinal()];
            switch (property.type) {
                case UTF8_PAIR -> {
                    for (UserProperty pair : userProperties) {
                        buf.writeByte(property.id);
                        MqttEncoder.writeString(buf, pair.name());
                        MqttEncoder.writeString(buf, pair.value());
                    }
                }
                case VARIABLE_BYTE -> {
                    for (int id : subscriptionIdentifiers) {
                        buf.writeByte(property.id);
                        VariableByteInteger.write(buf, id);
                    }
                }
                default -> {
                    if (value != null) {
                        buf.writeByte(property.id);
                        writeValue(buf, property.type, value);
                    }
                }
            }
        }
    }

    private static void writeValue(ByteBuf buf, MqttProperty.Type type, Object value) {
        switch (type) {
            case BYTE -> buf.writeByte(((Long) value).intValue());
            case TWO_BYTE -> buf.writeShort(((Long) value).intValue());
            case FOUR_BYTE -> buf.writeInt((int) (long) (Long) value);
            case UTF8 -> MqttEncoder.writeString(buf, (String) value);
            case BINARY -> {
                byte[] bytes = (byte[]) value;
                buf.writeShort(bytes.length);
                buf.writeBytes(bytes);
            }
            default -> throw new IllegalStateException(type.toString());
        }
    }


    @Override
    public boolean equals(Object o) {
        return o instanceof MqttProperties other
                && Arrays.deepEquals(values, other.values)
                && userProperties.equals(other.userProperties)
                && subscriptionIdentifiers.equals(other.subscriptionIdentifiers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.deepHashCode(values), userProperties, subscriptionIdentifiers);
    }

    @Override
    public String toString() {
        StringJoiner joiner = new StringJoiner(", ", "MqttProperties[", "]");
        for (MqttProperty property : PROPERTIES) {
            Object value = values[property.ordinal()];
            if (value instanceof byte[] bytes) {
                joiner.add(property.name() + "=" + bytes.length + " bytes");
            } else if (value != null) {
                joiner.add(property.name() + "=" + value);
            }
        }
        if (!subscriptionIdentifiers.isEmpty()) {
            joiner.add("SUBSCRIPTION_IDENTIFIER=" + subscriptionIdentifiers);
        }
        if (!userProperties.isEmpty()) {
            joiner.add("USER_PROPERTY=" + userProperties);
        }
        return joiner.toString();
    }

    /** Collects properties; each setter checks the range the standard fixes. Not thread-safe. */
    public static final class Builder {
        private final Object[] values = new Object[PROPERTIES.length];
        private final List<UserProperty> userProperties = new ArrayList<>();
        private final List<Integer> subscriptionIdentifiers = new ArrayList<>();

        private Builder() {
        }

        public Builder payloadFormatIndicator(int value) {
            return number(MqttProperty.PAYLOAD_FORMAT_INDICATOR, value);
        }

        public Builder messageExpiryInterval(long seconds) {
            return number(MqttProperty.MESSAGE_EXPIRY_INTERVAL, seconds);
        }

        public Builder contentType(String value) {
            return string(MqttProperty.CONTENT_TYPE, value);
        }

        public Builder responseTopic(String value) {
            return string(MqttProperty.RESPONSE_TOPIC, value);
        }

        public Builder correlationData(byte[] value) {
            return binary(MqttProperty.CORRELATION_DATA, value);
        }

        /** Adds one; whether several are allowed depends on the packet and is checked when it is built. */
        public Builder addSubscriptionIdentifier(int value) {
            check(MqttProperty.SUBSCRIPTION_IDENTIFIER, value);
            subscriptionIdentifiers.add(value);
            return this;
        }

        public Builder sessionExpiryInterval(long seconds) {
            return number(MqttProperty.SESSION_EXPIRY_INTERVAL, seconds);
        }

        public Builder assignedClientIdentifier(String value) {
            return string(MqttProperty.ASSIGNED_CLIENT_IDENTIFIER, value);
        }

        public Builder serverKeepAlive(int seconds) {
            return number(MqttProperty.SERVER_KEEP_ALIVE, seconds);
        }

        public Builder authenticationMethod(String value) {
            return string(MqttProperty.AUTHENTICATION_METHOD, value);
        }

        public Builder authenticationData(byte[] value) {
            return binary(MqttProperty.AUTHENTICATION_DATA, value);
        }

        public Builder requestProblemInformation(boolean value) {
            return number(MqttProperty.REQUEST_PROBLEM_INFORMATION, value ? 1 : 0);
        }

        public Builder willDelayInterval(long seconds) {
            return number(MqttProperty.WILL_DELAY_INTERVAL, seconds);
        }

        public Builder requestResponseInformation(boolean value) {
            return number(MqttProperty.REQUEST_RESPONSE_INFORMATION, value ? 1 : 0);
        }

        public Builder responseInformation(String value) {
            return string(MqttProperty.RESPONSE_INFORMATION, value);
        }

        public Builder serverReference(String value) {
            return string(MqttProperty.SERVER_REFERENCE, value);
        }

        public Builder reasonString(String value) {
            return string(MqttProperty.REASON_STRING, value);
        }

        public Builder receiveMaximum(int value) {
            return number(MqttProperty.RECEIVE_MAXIMUM, value);
        }

        public Builder topicAliasMaximum(int value) {
            return number(MqttProperty.TOPIC_ALIAS_MAXIMUM, value);
        }

        public Builder topicAlias(int value) {
            return number(MqttProperty.TOPIC_ALIAS, value);
        }

        public Builder maximumQos(MqttQos qos) {
            return number(MqttProperty.MAXIMUM_QOS, qos.value());
        }

        public Builder retainAvailable(boolean value) {
            return number(MqttProperty.RETAIN_AVAILABLE, value ? 1 : 0);
        }

        public Builder addUserProperty(String name, String value) {
            userProperties.add(new UserProperty(name, value));
            return this;
        }

        public Builder maximumPacketSize(long bytes) {
            return number(MqttProperty.MAXIMUM_PACKET_SIZE, bytes);
        }

        public Builder wildcardSubscriptionAvailable(boolean value) {
            return number(MqttProperty.WILDCARD_SUBSCRIPTION_AVAILABLE, value ? 1 : 0);
        }

        public Builder subscriptionIdentifiersAvailable(boolean value) {
            return number(MqttProperty.SUBSCRIPTION_IDENTIFIER_AVAILABLE, value ? 1 : 0);
        }

        public Builder sharedSubscriptionAvailable(boolean value) {
            return number(MqttProperty.SHARED_SUBSCRIPTION_AVAILABLE, value ? 1 : 0);
        }

        /** @throws IllegalArgumentException if the properties together exceed what a packet can carry */
        public MqttProperties build() {
            return new MqttProperties(this);
        }

        /** For the decoder, which has checked the value already. */
        void setDecoded(MqttProperty property, Object value) {
            switch (property) {
                case USER_PROPERTY -> userProperties.add((UserProperty) value);
                case SUBSCRIPTION_IDENTIFIER -> subscriptionIdentifiers.add(((Long) value).intValue());
                default -> values[property.ordinal()] = value;
            }
        }

        private Builder number(MqttProperty property, long value) {
            check(property, value);
            values[property.ordinal()] = value;
            return this;
        }

        private static void check(MqttProperty property, long value) {
            String problem = value < 0 || value > property.maxValue()
                    ? "must be in 0.." + property.maxValue() : property.rangeProblem(value);
            if (problem != null) {
                throw new IllegalArgumentException(property + " " + problem + ", got " + value);
            }
        }

        private Builder string(MqttProperty property, String value) {
            MqttUtf8.requireEncodable(value, property.toString());
            values[property.ordinal()] = value;
            return this;
        }

        private Builder binary(MqttProperty property, byte[] value) {
            if (value.length > MqttUtf8.MAX_ENCODED_LENGTH) {
                throw new IllegalArgumentException(property + " longer than 65535 bytes");
            }
            values[property.ordinal()] = value.clone();
            return this;
        }
    }
}
