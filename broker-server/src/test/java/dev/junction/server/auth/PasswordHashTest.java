package dev.junction.server.auth;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHashTest {

    @Test
    void aHashNamesItsAlgorithmIterationsSaltAndHash() {
        String encoded = PasswordHash.create("s3cret", 1234);
        String[] parts = encoded.split("\\$");
        assertEquals(4, parts.length, encoded);
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals("1234", parts[1]);
        assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
        assertEquals(32, Base64.getDecoder().decode(parts[3]).length);
        assertEquals(encoded, PasswordHash.parse(encoded).encoded());
    }

    @Test
    void onlyTheRightPasswordMatches() {
        PasswordHash hash = PasswordHash.parse(PasswordHash.create("s3cret", 1000));
        assertTrue(hash.matches("s3cret"));
        assertFalse(hash.matches("s3cret "));
        assertFalse(hash.matches("S3cret"));
        assertFalse(hash.matches(""));
    }

    @Test
    void theSameTwoPasswordsGetDifferentSalts() {
        assertNotEquals(PasswordHash.create("same", 1000), PasswordHash.create("same", 1000));
    }

    @Test
    void aKnownVectorVerifies() {
        // The published PBKDF2-HMAC-SHA256 vector: "password", salt "salt", 1 iteration, 32 bytes (120fb6cf...).
        String salt = Base64.getEncoder().encodeToString("salt".getBytes());
        String hash = "Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs=";
        assertTrue(PasswordHash.parse("pbkdf2-sha256$1$" + salt + "$" + hash).matches("password"));
    }

    @Test
    void malformedHashesAreRefusedWithTheReason() {
        assertEquals("a password hash must read pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>",
                assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("plain")).getMessage());
        assertEquals("a password hash must read pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>",
                assertThrows(IllegalArgumentException.class,
                        () -> PasswordHash.parse("md5$1$YQ==$YQ==")).getMessage());
        assertEquals("password hash iterations 'many' is not a number", assertThrows(
                IllegalArgumentException.class, () -> PasswordHash.parse("pbkdf2-sha256$many$YQ==$YQ==")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("pbkdf2-sha256$1$!!$YQ=="))
                .getMessage().startsWith("password hash salt is not valid base64"));
        assertEquals("password hash hash is empty", assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("pbkdf2-sha256$1$YQ==$")).getMessage());
    }
}
