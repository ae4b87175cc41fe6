package dev.junction.mqtt.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * CONNECT (section 3.1 of 3.1.1 and of 5.0). In MQTT 5 {@code cleanSession} is the Clean Start flag (section
 * 3.1.2.4), {@link #cleanStart()}; how long the session outlives the connection is the session expiry interval
 * property.
 *
 * @param clientId   possibly empty: whether an empty identifier is acceptable is the server's decision [MQTT-3.1.3-6]
 * @param will       {@code null} when the will flag is 0
 * @param username   {@code null} when the user name flag is 0
 * @param password   {@code null} when the password flag is 0; before MQTT 5 never present without a user name
 *                   [MQTT-3.1.2-22]
 * @param properties the CONNECT properties; always {@link MqttProperties#NONE} before MQTT 5
 */
public record Connect(MqttProtocolVersion version, boolean cleanSession, int keepAliveSeconds, String clientId,
                      Will will, String username, byte[] password, MqttProperties properties)
        implements MqttPacket {

    public Connect {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clientId, "clientId");
        if (keepAliveSeconds < 0 || keepAliveSeconds > 0xFFFF) {
            throw new IllegalArgumentException("keep alive must be in 0..65535, got " + keepAliveSeconds);
        }
        Objects.requireNonNull(properties, "properties");
        if (!version.isMqtt5()) {
            if (password != null && username == null) {
                throw new IllegalArgumentException("a password requires a user name [MQTT-3.1.2-22]");
            }
            if (!properties.isEmpty() || (will != null && !will.properties().isEmpty())) {
                throw new IllegalArgumentException("properties need MQTT 5, not " + version);
            }
        }
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.CONNECT);
        password = password == null ? null : password.clone();
    }

    /** A CONNECT without properties, as MQTT 3.1 and 3.1.1 send it. */
    public Connect(MqttProtocolVersion version, boolean cleanSession, int keepAliveSeconds, String clientId,
                   Will will, String username, byte[] password) {
        this(version, cleanSession, keepAliveSeconds, clientId, will, username, password, MqttProperties.NONE);
    }

    /** MQTT 5's name for {@link #cleanSession()}. */
    public boolean cleanStart() {
        return cleanSession;
    }

    /** A copy: the packet stays immutable. */
    @Override
    public byte[] password() {
        return password == null ? null : password.clone();
    }

    public String protocolName() {
        return version.protocolName();
    }

    public int protocolLevel() {
        return version.protocolLevel();
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.CONNECT;
    }

    // The record defaults would compare and print the password array by identity.
    @Override
    public boolean equals(Object o) {
        return o instanceof Connect other
                && version == other.version
                && cleanSession == other.cleanSession
                && keepAliveSeconds == other.keepAliveSeconds
                && clientId.equals(other.clientId)
                && Objects.equals(will, other.will)
                && Objects.equals(username, other.username)
                && Arrays.equals(password, other.password)
                && properties.equals(other.properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, cleanSession, keepAliveSeconds, clientId, will, username, properties)
                * 31 + Arrays.hashCode(password);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "Connect[version=" + version + ", cleanSession=" + cleanSession + ", keepAliveSeconds="
                + keepAliveSeconds + ", clientId=" + clientId + ", will=" + will + ", username=" + username
                + ", password=" + (password == null ? "absent" : "present") + ", properties=" + properties + "]";
    }

    /**
     * The message the server publishes when the connection ends without DISCONNECT (section 3.1.2.5).
     *
     * @param properties the will properties of MQTT 5 (section 3.1.3.2); {@link MqttProperties#NONE} before it
     */
    public record Will(String topic, byte[] payload, MqttQos qos, boolean retain, MqttProperties properties) {
        public Will {
            Objects.requireNonNull(properties, "properties");
            MqttPacketChecks.requirePropertiesAllowed(properties, null);
            MqttUtf8.requireEncodable(topic, "will topic");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(qos, "qos");
            if (payload.length > 0xFFFF) {
                throw new IllegalArgumentException("will payload longer than 65535 bytes");
            }
            payload = payload.clone();
        }

        /** A will without properties. */
        public Will(String topic, byte[] payload, MqttQos qos, boolean retain) {
            this(topic, payload, qos, retain, MqttProperties.NONE);
        }

        /** A copy: the packet stays immutable. */
        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Will other
                    && topic.equals(other.topic)
                    && Arrays.equals(payload, other.payload)
                    && qos == other.qos
                    && retain == other.retain
                    && properties.equals(other.properties);
        }

        @Override
        public int hashCode() {
            return Objects.hash(topic, qos, retain, properties) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Will[topic=" + topic + ", payload=" + payload.length + " bytes, qos=" + qos + ", retain="
                    + retain + ", properties=" + properties + "]";
        }
    }
}
