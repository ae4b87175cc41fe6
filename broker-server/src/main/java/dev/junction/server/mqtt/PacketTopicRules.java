package dev.junction.server.mqtt;

import dev.junction.core.topic.SharedSubscription;
import dev.junction.core.topic.TopicSyntax;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.mqtt.codec.Unsubscribe;

/**
 * The topic rules of section 4.7 applied to received packets: the codec reads topic names and filters as strings
 * and the core's {@link TopicSyntax} is the one definition of what they may be. A packet that breaks them is a
 * protocol violation, which ends the connection as a malformed packet does: a PUBLISH or will topic that is empty
 * or holds a wildcard [MQTT-4.7.3-1, MQTT-3.3.2-2], a SUBSCRIBE or UNSUBSCRIBE filter that is empty or misplaces a
 * wildcard [MQTT-4.7.1-2, MQTT-4.7.1-3]. A shared subscription's filter ({@code $share/...}) is checked when
 * subscribing instead, where an invalid one is refused in the SUBACK.
 */
final class PacketTopicRules {
    private PacketTopicRules() {
    }

    /**
     * Which rule the packet breaks, for the log, or null when it breaks none (or carries no topic). An MQTT 5
     * SUBSCRIBE or UNSUBSCRIBE is not checked here: it answers an invalid filter with reason code 0x8F for that
     * filter alone ({@link SubscriptionRequests}).
     */
    static String violation(Object packet, MqttProtocolVersion version) {
        if (version.isMqtt5() && (packet instanceof Subscribe || packet instanceof Unsubscribe)) {
            return null;
        }
        if (packet instanceof Publish publish) {
            if (publish.topic().isEmpty() && publish.properties().topicAlias().isPresent()) {
                // An MQTT 5 topic alias stands for the name (InboundPublishFlow).
                return null;
            }
            return problem("PUBLISH topic name", publish.topic(),
                    TopicSyntax.MQTT.invalidTopicNameReason(publish.topic()));
        }
        if (packet instanceof Connect connect && connect.will() != null) {
            return problem("CONNECT will topic", connect.will().topic(),
                    TopicSyntax.MQTT.invalidTopicNameReason(connect.will().topic()));
        }
        if (packet instanceof Subscribe subscribe) {
            for (Subscribe.Subscription subscription : subscribe.subscriptions()) {
                String filter = subscription.topicFilter();
                if (SharedSubscription.isShared(filter)) {
                    // Checked by SharedSubscription when subscribing: an invalid one gets SUBACK failure.
                    continue;
                }
                String problem = problem("SUBSCRIBE topic filter", filter, TopicSyntax.MQTT.invalidFilterReason(filter));
                if (problem != null) {
                    return problem;
                }
            }
        }
        if (packet instanceof Unsubscribe unsubscribe) {
            for (String filter : unsubscribe.topicFilters()) {
                if (SharedSubscription.isShared(filter)) {
                    // Unsubscribing a shared filter never subscribed is a no-op, whatever it holds.
                    continue;
                }
                String problem = problem("UNSUBSCRIBE topic filter", filter,
                        TopicSyntax.MQTT.invalidFilterReason(filter));
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    /**
     * What an MQTT 5 client is told of the violation: 0x90 (Topic Name invalid) for a PUBLISH or will topic, 0x82
     * (Protocol Error) for a topic filter.
     */
    static ReasonCode reasonCode(Object packet) {
        return packet instanceof Publish || packet instanceof Connect ? ReasonCode.TOPIC_NAME_INVALID
                : ReasonCode.PROTOCOL_ERROR;
    }

    private static String problem(String field, String value, String reason) {
        return reason == null ? null : field + " '" + value + "': " + reason;
    }
}
