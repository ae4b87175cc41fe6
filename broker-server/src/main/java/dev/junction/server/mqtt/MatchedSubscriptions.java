package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.MqttProperties;

/**
 * The subscriptions of one session that a message matched, folded into the one PUBLISH the session sends for it
 * (MQTT 5 section 3.3.4): the highest granted QoS, the RETAIN flag as published if any of them asks for it, and
 * the Subscription Identifiers of all of them that have one, in one PUBLISH [MQTT-3.3.4-3, MQTT-3.3.4-4].
 */
final class MatchedSubscriptions {
    private int qos = SessionSubscriptions.NO_MATCH;
    private boolean retainAsPublished;
    private MqttProperties.Builder identifiers;

    /** A shared subscription's delivery: the group's queue matched the one filter. */
    static MatchedSubscriptions of(SubscriptionOptions options) {
        MatchedSubscriptions matched = new MatchedSubscriptions();
        matched.add(options);
        return matched;
    }

    void add(SubscriptionOptions options) {
        qos = Math.max(qos, options.qos());
        retainAsPublished |= options.retainAsPublished();
        if (options.identifier() != 0) {
            if (identifiers == null) {
                identifiers = MqttProperties.builder();
            }
            identifiers.addSubscriptionIdentifier(options.identifier());
        }
    }

    int qos() {
        return qos;
    }

    boolean retainAsPublished() {
        return retainAsPublished;
    }

    /** The PUBLISH properties that carry the identifiers; {@link MqttProperties#NONE} when none has one. */
    MqttProperties properties() {
        return identifiers == null ? MqttProperties.NONE : identifiers.build();
    }
}
