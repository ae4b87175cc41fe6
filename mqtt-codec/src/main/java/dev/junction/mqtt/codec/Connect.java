package dev.junction.mqtt.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * CONNECT (section 3.1).
 *
 * @param clientId   possibly empty: whether an empty identifier is acceptable is the server's decision [MQTT-3.1.3-6]
 * @param will       {@code null} when the will flag is 0
 * @param username   {@code null} when the user name flag is 0
 * @param password   {@code null} when the password flag is 0; never present without a user name [MQTT-3.1.2-22]
 */
public record Connect(MqttProtocolVersion version, boolean cleanSession, int keepAliveSeconds, String clientId,
                      Will will, String username, byte[] password) implements MqttPacket {

    public Connect {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clientId, "clientId");
        if (keepAliveSeconds < 0 || keepAliveSeconds > 0xFFFF) {
            throw new IllegalArgumentException("keep alive must be in 0..65535, got " + keepAliveSeconds);
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("a password requires a user name [MQTT-3.1.2-22]");
        }
        password = password == null ? null : password.clone();
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
                && Arrays.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, cleanSession, keepAliveSeconds, clientId, will, username)
                * 31 + Arrays.hashCode(password);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "Connect[version=" + version + ", cleanSession=" + cleanSession + ", keepAliveSeconds="
                + keepAliveSeconds + ", clientId=" + clientId + ", will=" + will + ", username=" + username
                + ", password=" + (password == null ? "absent" : "present") + "]";
    }

    /** The message the server publishes when the connection ends without DISCONNECT (section 3.1.2.5). */
    public record Will(String topic, byte[] payload, MqttQos qos, boolean retain) {
        public Will {
            MqttUtf8.requireEncodable(topic, "will topic");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(qos, "qos");
            if (payload.length > 0xFFFF) {
                throw new IllegalArgumentException("will payload longer than 65535 bytes");
            }
            payload = payload.clone();
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
                    && retain == other.retain;
        }

        @Override
        public int hashCode() {
            return Objects.hash(topic, qos, retain) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Will[topic=" + topic + ", payload=" + payload.length + " bytes, qos=" + qos + ", retain="
                    + retain + "]";
        }
    }
}
