package dev.junction.mqtt.codec;

import java.util.List;
import java.util.Objects;

/** SUBSCRIBE (section 3.8): at least one subscription [MQTT-3.8.3-3]. */
public record Subscribe(int packetId, List<Subscription> subscriptions) implements MqttPacket {
    public Subscribe {
        PacketIdentifiers.requireValid(packetId);
        subscriptions = List.copyOf(subscriptions);
        if (subscriptions.isEmpty()) {
            throw new IllegalArgumentException("SUBSCRIBE needs at least one subscription [MQTT-3.8.3-3]");
        }
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.SUBSCRIBE;
    }

    public record Subscription(String topicFilter, MqttQos requestedQos) {
        public Subscription {
            MqttUtf8.requireEncodable(topicFilter, "topic filter");
            Objects.requireNonNull(requestedQos, "requestedQos");
        }
    }
}
