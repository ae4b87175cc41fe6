package dev.junction.server.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifiedPasswordsTest {
    private final VerifiedPasswords verified = new VerifiedPasswords(2);

    @Test
    void aRememberedPasswordMatchesOnlyForTheSameUserHashAndPassword() {
        verified.remember("alice", "hash-1", "pw");
        assertTrue(verified.contains("alice", "hash-1", "pw"));
        assertFalse(verified.contains("alice", "hash-1", "other"));
        assertFalse(verified.contains("alice", "hash-2", "pw"), "a changed password hash invalidates the entry");
        assertFalse(verified.contains("bob", "hash-1", "pw"));
    }

    @Test
    void itHoldsAtMostItsCapacity() {
        verified.remember("a", "h", "pw");
        verified.remember("b", "h", "pw");
        verified.remember("c", "h", "pw");
        int kept = 0;
        for (String user : new String[]{"a", "b", "c"}) {
            kept += verified.contains(user, "h", "pw") ? 1 : 0;
        }
        assertEquals(2, kept);
        assertTrue(verified.contains("c", "h", "pw"), "the newest entry is kept");
    }
}
