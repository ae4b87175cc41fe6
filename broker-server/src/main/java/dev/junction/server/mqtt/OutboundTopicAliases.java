package dev.junction.server.mqtt;

import java.util.HashMap;
import java.util.Map;

/**
 * The topic aliases the broker sets towards one MQTT 5 connection, at most the client's Topic Alias Maximum
 * [MQTT-3.3.2-11]. The policy is first come, first served: the first topics sent get the aliases 1, 2, ... and keep
 * them for the life of the connection [MQTT-3.3.2-7]; once all are given, other topics go out in full. It never
 * changes an alias, so a client never has to follow a remapping, and costs one map lookup per PUBLISH.
 */
final class OutboundTopicAliases {
    private final int maximum;
    private final Map<String, Integer> byTopic = new HashMap<>();

    OutboundTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    /** The alias the topic already has, or 0. */
    int known(String topicName) {
        return byTopic.getOrDefault(topicName, 0);
    }

    /** A new alias for a topic without one, or 0 when all are given. */
    int assign(String topicName) {
        if (byTopic.size() >= maximum) {
            return 0;
        }
        int alias = byTopic.size() + 1;
        byTopic.put(topicName, alias);
        return alias;
    }
}
