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
    /** How many filters grant each QoS; created with the first filter, since most idle connections have none. */
    private int[] filtersByQos;

    /** Returns false if the filter replaced an existing subscription [MQTT-3.8.4-3]. */
    boolean put(String filter, int qos) {
        if (filtersByQos == null) {
            filtersByQos = new int[3];
        }
        Integer previous = grantedQos.put(filter, qos);
        if (previous != null) {
            filtersByQos[previous]--;
        }
        filtersByQos[qos]++;
        return previous == null;
    }

    boolean remove(String filter) {
        Integer previous = grantedQos.remove(filter);
        if (previous == null) {
            return false;
        }
        filtersByQos[previous]--;
        return true;
    }

    /**
     * The QoS to deliver a message at that the trie routed to this session's queue, so at least one filter matched
     * it when it was published, or {@link #NO_MATCH} if none matches any more. When every filter grants the same
     * QoS that is the answer without matching them all again, which a session holding thousands of filters could
     * not afford per message; a message queued before an UNSUBSCRIBE then still goes out, which [MQTT-3.10.4]
     * allows for messages already buffered.
     */
    int deliveryQos(String topicName) {
        if (filtersByQos == null) {
            return NO_MATCH;
        }
        int onlyQos = NO_MATCH;
        for (int qos = 0; qos < filtersByQos.length; qos++) {
            if (filtersByQos[qos] > 0) {
                if (onlyQos != NO_MATCH) {
                    return maxGrantedQos(topicName);
                }
                onlyQos = qos;
            }
        }
        return onlyQos;
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
            if (entry.getValue() > max && TopicFilter.matches(entry.getKey(), topicName)) {
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
