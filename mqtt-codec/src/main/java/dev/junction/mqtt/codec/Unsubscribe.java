package dev.junction.mqtt.codec;

import java.util.List;
import java.util.Objects;

/** UNSUBSCRIBE (section 3.10): at least one topic filter [MQTT-3.10.3-2]; MQTT 5 adds user properties. */
public record Unsubscribe(int packetId, List<String> topicFilters, MqttProperties properties) implements MqttPacket {
    public Unsubscribe {
        PacketIdentifiers.requireValid(packetId);
        topicFilters = List.copyOf(topicFilters);
        if (topicFilters.isEmpty()) {
            throw new IllegalArgumentException("UNSUBSCRIBE needs at least one topic filter [MQTT-3.10.3-2]");
        }
        topicFilters.forEach(filter -> MqttUtf8.requireEncodable(filter, "topic filter"));
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.UNSUBSCRIBE);
    }

    /** An UNSUBSCRIBE without properties. */
    public Unsubscribe(int packetId, List<String> topicFilters) {
        this(packetId, topicFilters, MqttProperties.NONE);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.UNSUBSCRIBE;
    }
}
