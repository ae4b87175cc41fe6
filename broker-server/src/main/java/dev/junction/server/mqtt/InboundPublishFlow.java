package dev.junction.server.mqtt;

import dev.junction.core.topic.TopicSyntax;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.ReasonCode;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/**
 * The state an MQTT 5 connection keeps about the PUBLISHes it receives: the topic aliases the client has set, at
 * most the broker's Topic Alias Maximum, which last as long as the connection [MQTT-3.3.2-7], and the QoS 1/2
 * PUBLISHes not yet acknowledged, at most the broker's Receive Maximum [MQTT-3.3.4-7]. Event loop only.
 */
final class InboundPublishFlow {
    private final int receiveMaximum;
    private final int topicAliasMaximum;
    /** Index: the alias; made on first use. */
    private String[] aliases;
    private int unacknowledged;

    InboundPublishFlow(MqttSettings.Mqtt5Limits limits) {
        this.receiveMaximum = limits.receiveMaximum();
        this.topicAliasMaximum = limits.topicAliasMaximum();
    }

    /**
     * The reason to DISCONNECT for, or null when the PUBLISH breaks no rule; records the alias it sets and counts a
     * new QoS 1/2 PUBLISH ({@code resend}: a QoS 2 PUBLISH already awaiting PUBREL, counted when it first came). An
     * alias of 0 or above the maximum is 0x94 [MQTT-3.3.2-8, MQTT-3.3.2-9, MQTT-3.3.2-12]; an empty topic with an
     * alias never set is a protocol error, as is a response topic that is no topic name [MQTT-3.3.2-13,
     * MQTT-3.3.2-14] or a subscription identifier [MQTT-3.3.4-6]; one more unacknowledged PUBLISH than the Receive
     * Maximum is 0x93 [MQTT-3.3.4-7].
     */
    ReasonCode violation(Publish publish, boolean resend) {
        ReasonCode violation = aliasOrPropertyViolation(publish);
        if (violation == null && publish.qos().value() > 0 && !resend && ++unacknowledged > receiveMaximum) {
            return ReasonCode.RECEIVE_MAXIMUM_EXCEEDED;
        }
        return violation;
    }

    private ReasonCode aliasOrPropertyViolation(Publish publish) {
        MqttProperties properties = publish.properties();
        if (!properties.subscriptionIdentifiers().isEmpty()) {
            // [MQTT-3.3.4-6] only the server sets them.
            return ReasonCode.PROTOCOL_ERROR;
        }
        if (properties.responseTopic().isPresent()
                && !TopicSyntax.MQTT.isValidTopicName(properties.responseTopic().get())) {
            return ReasonCode.PROTOCOL_ERROR;
        }
        if (properties.topicAlias().isEmpty()) {
            return publish.topic().isEmpty() ? ReasonCode.PROTOCOL_ERROR : null;
        }
        int alias = properties.topicAlias().getAsInt();
        if (alias == 0 || alias > topicAliasMaximum) {
            return ReasonCode.TOPIC_ALIAS_INVALID;
        }
        if (publish.topic().isEmpty()) {
            return aliases == null || aliases[alias] == null ? ReasonCode.PROTOCOL_ERROR : null;
        }
        if (aliases == null) {
            aliases = new String[topicAliasMaximum + 1];
        }
        aliases[alias] = publish.topic();
        return null;
    }

    /** The topic name, the alias's where the PUBLISH has an empty one; after {@link #violation} found no fault. */
    String topicName(Publish publish) {
        return publish.topic().isEmpty() ? aliases[publish.properties().topicAlias().getAsInt()] : publish.topic();
    }

    /**
     * Whether a payload declared UTF-8 (format indicator 1) is valid UTF-8. The check is optional
     * [MQTT-3.3.2-4]; Junction makes it, so that a subscriber relying on the indicator never gets bad text.
     */
    static boolean payloadFormatValid(Publish publish) {
        return publish.properties().payloadFormatIndicator().orElse(0) != 1
                || ByteBufUtil.isText(publish.payload(), StandardCharsets.UTF_8);
    }

    /** PUBACK, PUBCOMP or a failed PUBREC went out: the client may send one more. */
    void acknowledged() {
        if (unacknowledged > 0) {
            unacknowledged--;
        }
    }
}
