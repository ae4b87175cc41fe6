package dev.junction.core.topic;

/**
 * The one definition of a shared subscription's filter, {@code $share/{ShareName}/{filter}} (MQTT 5.0 section
 * 4.8.2, accepted from 3.1.1 clients as Mosquitto, EMQX and HiveMQ do): a ShareName of at least one character
 * with no {@code /}, {@code +} or {@code #}, then a topic filter valid under {@link TopicSyntax#MQTT}. The
 * {@code $} rule makes {@code $share} no ordinary filter's first level that a wildcard could match.
 *
 * @param shareName   the group's name
 * @param topicFilter the filter the group's members match, as the client wrote it
 */
public record SharedSubscription(String shareName, String topicFilter) {
    private static final String PREFIX = "$share/";

    /** Whether the filter asks for a shared subscription (valid or not): it starts with {@code $share/}. */
    public static boolean isShared(String filter) {
        return filter.startsWith(PREFIX);
    }

    /** Why a filter that {@link #isShared} is no valid shared subscription, or null if it is one. */
    public static String invalidReason(String filter) {
        int slash = filter.indexOf('/', PREFIX.length());
        if (slash < 0) {
            return "a shared subscription needs a topic filter after its share name";
        }
        String shareName = filter.substring(PREFIX.length(), slash);
        if (shareName.isEmpty()) {
            return "the share name is empty";
        }
        if (shareName.indexOf('+') >= 0 || shareName.indexOf('#') >= 0) {
            return "the share name holds a wildcard";
        }
        String reason = TopicSyntax.MQTT.invalidFilterReason(filter.substring(slash + 1));
        return reason == null ? null : "its topic filter: " + reason;
    }

    /** The shared subscription a filter names; the filter must be valid ({@link #invalidReason} null). */
    public static SharedSubscription parse(String filter) {
        int slash = filter.indexOf('/', PREFIX.length());
        return new SharedSubscription(filter.substring(PREFIX.length(), slash), filter.substring(slash + 1));
    }

    /**
     * The filter whose messages a subscription receives: the topic filter of a valid shared subscription, the
     * filter itself otherwise. Permissions are checked on this.
     */
    public static String matchedFilter(String filter) {
        return isShared(filter) && invalidReason(filter) == null ? parse(filter).topicFilter() : filter;
    }

    /** The filter as the client wrote it. */
    public String filter() {
        return PREFIX + shareName + '/' + topicFilter;
    }
}
