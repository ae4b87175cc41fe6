package dev.junction.server.mqtt;

/** MQTT 3.1.1 topic matching (section 4.7), including the rule that wildcards at the first level skip {@code $}. */
public final class TopicFilter {
    private TopicFilter() {
    }

    /** Whether {@code topicName} matches {@code filter}; both are assumed valid. Allocates nothing. */
    public static boolean matches(String filter, String topicName) {
        // [MQTT-4.7.2-1] a filter starting with a wildcard does not match topics starting with '$'.
        if (!topicName.isEmpty() && topicName.charAt(0) == '$' && !filter.isEmpty()
                && (filter.charAt(0) == '#' || filter.charAt(0) == '+')) {
            return false;
        }
        int f = 0;
        int t = 0;
        int filterLength = filter.length();
        int topicLength = topicName.length();
        while (true) {
            int filterEnd = levelEnd(filter, f);
            int levelLength = filterEnd - f;
            boolean singleChar = levelLength == 1;
            if (singleChar && filter.charAt(f) == '#') {
                return true;
            }
            int topicEnd = levelEnd(topicName, t);
            boolean plus = singleChar && filter.charAt(f) == '+';
            if (!plus && (topicEnd - t != levelLength || !topicName.regionMatches(t, filter, f, levelLength))) {
                return false;
            }
            boolean filterDone = filterEnd >= filterLength;
            boolean topicDone = topicEnd >= topicLength;
            if (filterDone || topicDone) {
                if (filterDone && topicDone) {
                    return true;
                }
                // "sport/#" also matches "sport" [MQTT-4.7.1-2]: the filter's one remaining level is '#'.
                return topicDone && filterEnd + 2 == filterLength && filter.charAt(filterEnd + 1) == '#';
            }
            f = filterEnd + 1;
            t = topicEnd + 1;
        }
    }

    private static int levelEnd(String text, int from) {
        int slash = text.indexOf('/', from);
        return slash < 0 ? text.length() : slash;
    }
}
