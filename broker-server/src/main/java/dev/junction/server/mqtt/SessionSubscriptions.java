package dev.junction.server.mqtt;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One session's MQTT subscriptions, filter to granted QoS. The core's trie decides which messages reach the
 * session's queue (once each, however many filters match); this re-match picks the QoS to deliver at and applies
 * the MQTT rules the AMQP trie does not know. Touched only by the session's owner thread.
 */
final class SessionSubscriptions {
    static final int NO_MATCH = -1;

    private final Map<String, Integer> grantedQos = new LinkedHashMap<>();

    /** Returns false if the filter replaced an existing subscription [MQTT-3.8.4-3]. */
    boolean put(String filter, int qos) {
        return grantedQos.put(filter, qos) == null;
    }

    boolean remove(String filter) {
        return grantedQos.remove(filter) != null;
    }

    /** The highest QoS granted by a filter that matches the topic, or {@link #NO_MATCH}. */
    int maxGrantedQos(String topicName) {
        if (grantedQos.isEmpty()) {
            // Most sessions a $SYS update visits subscribed to nothing: no iterator, no cached entry set.
            return NO_MATCH;
        }
        int max = NO_MATCH;
        for (Map.Entry<String, Integer> entry : grantedQos.entrySet()) {
            if (entry.getValue() > max && TopicFilter.matches(entry.getKey(), topicName)) {
                max = entry.getValue();
            }
        }
        return max;
    }

    Iterable<Map.Entry<String, Integer>> entries() {
        return grantedQos.entrySet();
    }

    Iterable<String> filters() {
        return grantedQos.keySet();
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
