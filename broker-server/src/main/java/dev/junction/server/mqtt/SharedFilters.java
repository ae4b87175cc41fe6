package dev.junction.server.mqtt;

/**
 * Which filters are shared subscriptions ({@code $share/{group}/{filter}}, MQTT 5 section 4.8.2), for the rules MQTT
 * 5 gives them at subscribe time ({@link SubscriptionRequests}). Branch {@code shared} has the one definition,
 * {@code dev.junction.core.topic.SharedSubscription.isShared}: on merging, this class goes and its callers use that.
 */
final class SharedFilters {
    private static final String PREFIX = "$share/";

    private SharedFilters() {
    }

    static boolean isShared(String filter) {
        return filter.startsWith(PREFIX);
    }
}
