package dev.junction.server.mqtt;

import dev.junction.core.topic.TopicSyntax;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One session's MQTT subscriptions, filter to granted QoS: what the session stores and shows. Each is also a binding
 * of the session's queue, holding the same filter string, and the core's trie matches those; a delivery carries the
 * QoS its route granted, so this is matched again only where no route is known (a message restored after a
 * restart) and for the broker's own {@code $SYS} updates. Touched only by the session's owner thread.
 */
final class SessionSubscriptions {
    static final int NO_MATCH = -1;

    private final Map<String, Integer> grantedQos = new LinkedHashMap<>();
    /** How many filters grant each QoS; created with the first filter, since most idle connections have none. */
    private int[] filtersByQos;

    /**
     * Subscribes, or replaces the QoS of an existing subscription [MQTT-3.8.4-3]. Returns the QoS the filter was
     * granted before, or {@link #NO_MATCH} if it is new.
     */
    int put(String filter, int qos) {
        if (filtersByQos == null) {
            filtersByQos = new int[3];
        }
        Integer previous = grantedQos.put(filter, qos);
        if (previous != null) {
            filtersByQos[previous]--;
        }
        filtersByQos[qos]++;
        return previous == null ? NO_MATCH : previous;
    }

    /** Returns the QoS the filter was granted, or {@link #NO_MATCH} if there was no such subscription. */
    int remove(String filter) {
        Integer previous = grantedQos.remove(filter);
        if (previous == null) {
            return NO_MATCH;
        }
        filtersByQos[previous]--;
        return previous;
    }

    /** The highest QoS granted by a filter that matches the topic, or {@link #NO_MATCH}. */
    int maxGrantedQos(String topicName) {
        if (grantedQos.isEmpty()) {
            // Most sessions a $SYS update visits subscribed to nothing: no iterator, no cached entry set.
            return NO_MATCH;
        }
        int highest = highestGranted();
        int max = NO_MATCH;
        for (Map.Entry<String, Integer> entry : grantedQos.entrySet()) {
            if (entry.getValue() > max && TopicSyntax.MQTT.matches(entry.getKey(), topicName)) {
                max = entry.getValue();
                if (max == highest) {
                    break;
                }
            }
        }
        return max;
    }

    private int highestGranted() {
        for (int qos = filtersByQos.length - 1; qos > 0; qos--) {
            if (filtersByQos[qos] > 0) {
                return qos;
            }
        }
        return 0;
    }

    Iterable<Map.Entry<String, Integer>> entries() {
        return grantedQos.entrySet();
    }

    boolean contains(String filter) {
        return grantedQos.containsKey(filter);
    }

    int size() {
        return grantedQos.size();
    }

    boolean isEmpty() {
        return grantedQos.isEmpty();
    }
}
