package dev.junction.mqtt.codec;

import java.util.List;

/** UNSUBSCRIBE (section 3.10): at least one topic filter [MQTT-3.10.3-2]. */
public record Unsubscribe(int packetId, List<String> topicFilters) implements MqttPacket {
    public Unsubscribe {
        PacketIdentifiers.requireValid(packetId);
        topicFilters = List.copyOf(topicFilters);
        if (topicFilters.isEmpty()) {
            throw new IllegalArgumentException("UNSUBSCRIBE needs at least one topic filter [MQTT-3.10.3-2]");
        }
        topicFilters.forEach(filter -> MqttUtf8.requireEncodable(filter, "topic filter"));
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.UNSUBSCRIBE;
    }
}
