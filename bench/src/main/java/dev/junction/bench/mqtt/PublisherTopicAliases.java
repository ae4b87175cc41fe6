package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.Publish;
import io.netty.buffer.ByteBuf;

/**
 * A publisher's topic aliases (MQTT 5 section 3.3.2.3.4): the first PUBLISH to each topic carries the topic and
 * its alias, every later one the empty topic and the alias alone, which is what aliases save on the wire. Topics
 * beyond the broker's Topic Alias Maximum keep their name in every PUBLISH. Used on the connection's event loop.
 */
final class PublisherTopicAliases {
    private final String[] topics;
    /** Per topic: its alias as a property, allocated once; null past the broker's maximum. */
    private final MqttProperties[] aliases;
    private final boolean[] named;

    /** @param brokerMaximum the Topic Alias Maximum of the broker's CONNACK, at least 1 */
    PublisherTopicAliases(String[] topics, int brokerMaximum) {
        this.topics = topics;
        this.aliases = new MqttProperties[topics.length];
        this.named = new boolean[topics.length];
        for (int i = 0; i < Math.min(topics.length, brokerMaximum); i++) {
            aliases[i] = MqttProperties.builder().topicAlias(i + 1).build();
        }
    }

    Publish publish(int topic, MqttQos qos, int packetId, ByteBuf payload) {
        MqttProperties alias = aliases[topic];
        if (alias == null) {
            return new Publish(topics[topic], qos, false, false, packetId, payload);
        }
        String name = named[topic] ? "" : topics[topic];
        named[topic] = true;
        return new Publish(name, qos, false, false, packetId, payload, alias);
    }
}
