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
        for (String filter : topicFilters) {
            if (!MqttTopics.isValidTopicFilter(filter)) {
                throw new IllegalArgumentException("invalid topic filter: " + filter);
            }
        }
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.UNSUBSCRIBE;
    }
}
