package dev.junction.server.mqtt;

import dev.junction.core.exchange.MqttBindingArguments;

import java.util.Map;

/**
 * What a session keeps of one subscription (MQTT 5 section 3.8.3.1): the granted QoS, and the MQTT 5 options that
 * decide delivery, No Local, Retain As Published and the Subscription Identifier (0: none). Retain Handling acts
 * only at subscribe time and is not kept. A 3.1.1 subscription has the QoS alone.
 */
record SubscriptionOptions(int qos, boolean noLocal, boolean retainAsPublished, int identifier) {
    private static final SubscriptionOptions[] PLAIN = {
            new SubscriptionOptions(0, false, false, 0),
            new SubscriptionOptions(1, false, false, 0),
            new SubscriptionOptions(2, false, false, 0)};

    /** A subscription with the QoS alone, as every 3.1.1 one. */
    static SubscriptionOptions plain(int qos) {
        return PLAIN[qos];
    }

    /** Whether delivery through this subscription depends on more than its QoS. */
    boolean hasDeliveryOptions() {
        return noLocal || retainAsPublished || identifier != 0;
    }

    /** The binding arguments that carry these options, with the binding, to the store and definitions exports. */
    Map<String, Object> bindingArguments() {
        return MqttBindingArguments.of(qos, noLocal, retainAsPublished, identifier);
    }
}
