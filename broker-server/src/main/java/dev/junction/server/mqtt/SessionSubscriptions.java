package dev.junction.server.mqtt;

import dev.junction.core.topic.TopicSyntax;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One session's MQTT subscriptions, filter to {@link SubscriptionOptions}: what the session stores and shows. Each
 * is also a binding of the session's queue, holding the same filter string, and the core's trie matches those; a
 * delivery carries the QoS its route granted, so this is matched again only where no route is known (a message
 * restored after a restart), for the broker's own {@code $SYS} updates, and for a session that holds a subscription
 * with MQTT 5 delivery options ({@link #hasDeliveryOptions()}, {@link #deliveryFor}), which the route does not
 * carry. Touched only by the session's owner thread.
 */
final class SessionSubscriptions {
    static final int NO_MATCH = -1;

    private final Map<String, SubscriptionOptions> subscriptions = new LinkedHashMap<>();
    /** How many filters grant each QoS; created with the first filter, since most idle connections have none. */
    private int[] filtersByQos;
    /** How many filters have MQTT 5 delivery options: while none do, a delivery needs no matching. */
    private int withDeliveryOptions;

    /**
     * Subscribes, or replaces an existing subscription [MQTT-3.8.4-3]. Returns the subscription the filter had, or
     * null if it is new.
     */
    SubscriptionOptions put(String filter, SubscriptionOptions options) {
        if (filtersByQos == null) {
            filtersByQos = new int[3];
        }
        SubscriptionOptions previous = subscriptions.put(filter, options);
        if (previous != null) {
            uncount(previous);
        }
        filtersByQos[options.qos()]++;
        if (options.hasDeliveryOptions()) {
            withDeliveryOptions++;
        }
        return previous;
    }

    /** Returns the subscription the filter had, or null if there was no such subscription. */
    SubscriptionOptions remove(String filter) {
        SubscriptionOptions previous = subscriptions.remove(filter);
        if (previous != null) {
            uncount(previous);
        }
        return previous;
    }

    private void uncount(SubscriptionOptions options) {
        filtersByQos[options.qos()]--;
        if (options.hasDeliveryOptions()) {
            withDeliveryOptions--;
        }
    }

    /** The highest QoS granted by a filter that matches the topic, or {@link #NO_MATCH}. */
    int maxGrantedQos(String topicName) {
        if (subscriptions.isEmpty()) {
            // Most sessions a $SYS update visits subscribed to nothing: no iterator, no cached entry set.
            return NO_MATCH;
        }
        int highest = highestGranted();
        int max = NO_MATCH;
        for (Map.Entry<String, SubscriptionOptions> entry : subscriptions.entrySet()) {
            int qos = entry.getValue().qos();
            if (qos > max && TopicSyntax.MQTT.matches(entry.getKey(), topicName)) {
                max = qos;
                if (max == highest) {
                    break;
                }
            }
        }
        return max;
    }

    /** Whether any subscription has MQTT 5 delivery options, so that deliveries go through {@link #deliveryFor}. */
    boolean hasDeliveryOptions() {
        return withDeliveryOptions > 0;
    }

    /**
     * How a message on {@code topicName} is delivered through the subscriptions that match it, leaving out the No
     * Local ones when the session's own client published it [MQTT-3.8.3-3]; null when none is left.
     */
    MatchedSubscriptions deliveryFor(String topicName, boolean ownMessage) {
        MatchedSubscriptions matched = null;
        for (Map.Entry<String, SubscriptionOptions> entry : subscriptions.entrySet()) {
            SubscriptionOptions options = entry.getValue();
            if (!(ownMessage && options.noLocal()) && TopicSyntax.MQTT.matches(entry.getKey(), topicName)) {
                if (matched == null) {
                    matched = new MatchedSubscriptions();
                }
                matched.add(options);
            }
        }
        return matched;
    }

    private int highestGranted() {
        for (int qos = filtersByQos.length - 1; qos > 0; qos--) {
            if (filtersByQos[qos] > 0) {
                return qos;
            }
        }
        return 0;
    }

    Iterable<Map.Entry<String, SubscriptionOptions>> entries() {
        return subscriptions.entrySet();
    }

    SubscriptionOptions get(String filter) {
        return subscriptions.get(filter);
    }

    boolean contains(String filter) {
        return subscriptions.containsKey(filter);
    }

    int size() {
        return subscriptions.size();
    }

    boolean isEmpty() {
        return subscriptions.isEmpty();
    }
}
