package dev.junction.server.mqtt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionSubscriptionsTest {
    @Test
    void overlappingFiltersGiveTheHighestGrantedQos() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        subscriptions.put("a/#", 0);
        subscriptions.put("a/+", 2);
        subscriptions.put("a/b", 1);
        assertEquals(2, subscriptions.maxGrantedQos("a/b"));
        assertEquals(0, subscriptions.maxGrantedQos("a/b/c"));
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.maxGrantedQos("b"));
    }

    @Test
    void theSameFilterReplacesItsQos() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        assertTrue(subscriptions.put("a", 2));
        assertFalse(subscriptions.put("a", 0));
        assertEquals(0, subscriptions.maxGrantedQos("a"));
        assertEquals(1, subscriptions.size());
    }

    @Test
    void dollarTopicsAreOnlyReachedByAnExplicitFirstLevel() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        subscriptions.put("#", 1);
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.maxGrantedQos("$SYS/x"));
        subscriptions.put("$SYS/#", 0);
        assertEquals(0, subscriptions.maxGrantedQos("$SYS/x"));
        assertTrue(subscriptions.remove("$SYS/#"));
        assertFalse(subscriptions.remove("$SYS/#"));
    }

    @Test
    void aRoutedMessageTakesTheOneGrantedQosWithoutReMatchingWhileAllFiltersAgree() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.deliveryQos("a/b"));
        subscriptions.put("a/+", 1);
        subscriptions.put("c/#", 1);
        assertEquals(1, subscriptions.deliveryQos("a/b"));
        subscriptions.put("a/b", 2);
        assertEquals(2, subscriptions.deliveryQos("a/b"), "mixed grants: matched again");
        assertEquals(1, subscriptions.deliveryQos("c/d"));
        subscriptions.put("a/b", 1);
        assertEquals(1, subscriptions.deliveryQos("a/b"), "the replaced grant no longer counts");
        subscriptions.remove("a/+");
        subscriptions.remove("c/#");
        subscriptions.remove("a/b");
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.deliveryQos("a/b"));
    }

    @Test
    void matchingStopsAtTheHighestGrantPresent() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        subscriptions.put("a/+", 2);
        subscriptions.put("a/b", 0);
        subscriptions.put("#", 1);
        assertEquals(2, subscriptions.maxGrantedQos("a/b"));
        assertEquals(1, subscriptions.maxGrantedQos("x"));
    }
}
