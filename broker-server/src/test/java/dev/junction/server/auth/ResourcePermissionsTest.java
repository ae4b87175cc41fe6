package dev.junction.server.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourcePermissionsTest {
    @Test
    void aPatternGrantsANameItMatchesAnywhereInAsRabbitMqDoes() {
        ResourcePermissions permissions = new ResourcePermissions("orders", "^orders$", "^orders\\.");
        assertTrue(permissions.mayConfigure("orders"));
        assertTrue(permissions.mayConfigure("my.orders.queue"), "unanchored, like Erlang's re:run");
        assertFalse(permissions.mayConfigure("order"));
        assertTrue(permissions.mayWrite("orders"));
        assertFalse(permissions.mayWrite("orders.eu"));
        assertTrue(permissions.mayRead("orders.eu"));
        assertFalse(permissions.mayRead("orders"));
    }

    @Test
    void theEmptyPatternGrantsNothing() {
        for (String name : new String[] {"", "q", "amq.default", "amq.gen-abc"}) {
            assertFalse(ResourcePermissions.NONE.mayConfigure(name), name);
            assertFalse(ResourcePermissions.NONE.mayWrite(name), name);
            assertFalse(ResourcePermissions.NONE.mayRead(name), name);
        }
    }

    @Test
    void everythingGrantsEveryName() {
        assertTrue(ResourcePermissions.ALL.mayConfigure("amq.gen-abc"));
        assertTrue(ResourcePermissions.ALL.mayWrite("amq.default"));
        assertTrue(ResourcePermissions.ALL.mayRead("q"));
    }

    @Test
    void theThreePermissionsAreIndependent() {
        ResourcePermissions readOnly = new ResourcePermissions("", "", ".*");
        assertFalse(readOnly.mayConfigure("q"));
        assertFalse(readOnly.mayWrite("q"));
        assertTrue(readOnly.mayRead("q"));
    }

    @Test
    void anInvalidPatternIsRefusedNamingThePermission() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new ResourcePermissions(".*", "(unclosed", ".*"));
        assertTrue(refused.getMessage().startsWith("invalid write permission pattern '(unclosed'"),
                refused.getMessage());
    }

    @Test
    void grantAllLooksUpEverythingForAnyone() {
        assertEquals(ResourcePermissions.ALL, PermissionLookup.grantAll().lookup("anyone", "any-vhost").orElseThrow());
    }
}
