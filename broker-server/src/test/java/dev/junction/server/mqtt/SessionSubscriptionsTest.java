package dev.junction.server.mqtt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.put("a", 2));
        assertEquals(2, subscriptions.put("a", 0));
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
        assertEquals(0, subscriptions.remove("$SYS/#"));
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.remove("$SYS/#"));
    }

    @Test
    void starAndDotAreLiteral() {
        SessionSubscriptions subscriptions = new SessionSubscriptions();
        subscriptions.put("s/*", 1);
        subscriptions.put("a.b", 2);
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.maxGrantedQos("s/secret"));
        assertEquals(1, subscriptions.maxGrantedQos("s/*"));
        assertEquals(SessionSubscriptions.NO_MATCH, subscriptions.maxGrantedQos("a/b"));
        assertEquals(2, subscriptions.maxGrantedQos("a.b"));
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
