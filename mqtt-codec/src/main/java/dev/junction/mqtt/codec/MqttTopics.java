package dev.junction.mqtt.codec;

/** Topic name and topic filter rules (section 4.7). */
public final class MqttTopics {
    private MqttTopics() {
    }

    /** A topic name, as PUBLISH carries it: non-empty, no wildcard, a sendable string of at most 65535 bytes. */
    public static boolean isValidTopicName(String name) {
        return name != null && nameViolation(name) == null && MqttUtf8.isEncodable(name);
    }

    /**
     * A topic filter, as SUBSCRIBE carries it: non-empty, {@code #} only as the last level, {@code +} only as a
     * whole level, a sendable string of at most 65535 bytes.
     */
    public static boolean isValidTopicFilter(String filter) {
        return filter != null && filterViolation(filter) == null && MqttUtf8.isEncodable(filter);
    }

    /** @return which rule the topic name breaks, or {@code null}; the string itself is assumed well-formed */
    static String nameViolation(String name) {
        if (name.isEmpty()) {
            return "is empty [MQTT-4.7.3-1]";
        }
        if (name.indexOf('#') >= 0 || name.indexOf('+') >= 0) {
            return "contains a wildcard [MQTT-3.3.2-2]";
        }
        return null;
    }

    /** @return which rule the topic filter breaks, or {@code null}; the string itself is assumed well-formed */
    static String filterViolation(String filter) {
        int length = filter.length();
        if (length == 0) {
            return "is empty [MQTT-4.7.3-1]";
        }
        for (int i = 0; i < length; i++) {
            char c = filter.charAt(i);
            boolean startsLevel = i == 0 || filter.charAt(i - 1) == '/';
            boolean endsLevel = i == length - 1 || filter.charAt(i + 1) == '/';
            if (c == '#' && !(startsLevel && i == length - 1)) {
                return "has '#' other than as the whole last level [MQTT-4.7.1-2]";
            }
            if (c == '+' && !(startsLevel && endsLevel)) {
                return "has '+' other than as a whole level [MQTT-4.7.1-3]";
            }
        }
        return null;
    }
}
