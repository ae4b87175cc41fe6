package dev.junction.server.mqtt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SessionSubscriptionsTest {
    @Test
    void overlappingFiltersGiveTheHighestGrantedQos() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        subscriptions.put("a/#", SubscriptionOptions.plain(0));
        subscriptions.put("a/+", SubscriptionOptions.plain(2));
        subscriptions.put("a/b", SubscriptionOptions.plain(1));
        assertEquals(2, subscriptions.maxGrantedQos("a/b"));
        assertEquals(0, subscriptions.maxGrantedQos("a/b/c"));
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.maxGrantedQos("b"));
    }

    @Test
    void theSameFilterReplacesItsQos() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        assertNull(subscriptions.put("a", SubscriptionOptions.plain(2)));
        assertEquals(SubscriptionOptions.plain(2), subscriptions.put("a", SubscriptionOptions.plain(0)));
        assertEquals(0, subscriptions.maxGrantedQos("a"));
        assertEquals(1, subscriptions.size());
    }

    @Test
    void dollarTopicsAreOnlyReachedByAnExplicitFirstLevel() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        subscriptions.put("#", SubscriptionOptions.plain(1));
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.maxGrantedQos("$SYS/x"));
        subscriptions.put("$SYS/#", SubscriptionOptions.plain(0));
        assertEquals(0, subscriptions.maxGrantedQos("$SYS/x"));
        assertEquals(SubscriptionOptions.plain(0), subscriptions.remove("$SYS/#"));
        assertNull(subscriptions.remove("$SYS/#"));
    }

    @Test
    void starAndDotAreLiteral() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        subscriptions.put("s/*", SubscriptionOptions.plain(1));
        subscriptions.put("a.b", SubscriptionOptions.plain(2));
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.maxGrantedQos("s/secret"));
        assertEquals(1, subscriptions.maxGrantedQos("s/*"));
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.maxGrantedQos("a/b"));
        assertEquals(2, subscriptions.maxGrantedQos("a.b"));
    }

    @Test
    void matchingStopsAtTheHighestGrantPresent() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        subscriptions.put("a/+", SubscriptionOptions.plain(2));
        subscriptions.put("a/b", SubscriptionOptions.plain(0));
        subscriptions.put("#", SubscriptionOptions.plain(1));
        assertEquals(2, subscriptions.maxGrantedQos("a/b"));
        assertEquals(1, subscriptions.maxGrantedQos("x"));
    }
}
