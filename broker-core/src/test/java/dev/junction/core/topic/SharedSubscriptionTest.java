package dev.junction.core.topic;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedSubscriptionTest {
    @Test
    void aValidSharedFilterSplitsIntoShareNameAndFilter() {
        assertNull(SharedSubscription.invalidReason("$share/group/a/+/#"));
        assertEquals(new SharedSubscription("group", "a/+/#"), SharedSubscription.parse("$share/group/a/+/#"));
        assertEquals("$share/group/a/+/#", SharedSubscription.parse("$share/group/a/+/#").filter());
        assertEquals(new SharedSubscription("g", "/"), SharedSubscription.parse("$share/g//"));
    }

    @Test
    void shareNamesAndFiltersFollowTheSpec() {
        for (String invalid : new String[]{"$share/", "$share/g", "$share//a", "$share/g+/a", "$share/+/a",
                "$share/#/a", "$share/g#/a", "$share/g/", "$share/g/a/#/b", "$share/g/a+"}) {
            assertNotNull(SharedSubscription.invalidReason(invalid), invalid);
        }
    }

    @Test
    void onlyTheSharePrefixMakesAFilterShared() {
        assertTrue(SharedSubscription.isShared("$share/g/a"));
        assertFalse(SharedSubscription.isShared("$share"));
        assertFalse(SharedSubscription.isShared("$SHARE/g/a"));
        assertFalse(SharedSubscription.isShared("a/$share/g"));
    }

    @Test
    void permissionsAreCheckedOnTheMatchedFilter() {
        assertEquals("a/#", SharedSubscription.matchedFilter("$share/g/a/#"));
        assertEquals("a/#", SharedSubscription.matchedFilter("a/#"));
        assertEquals("$share/g", SharedSubscription.matchedFilter("$share/g"));
    }
}
