package dev.junction.server.auth;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHashTest {
    private static final ScramMechanism SHA_256 = ScramMechanism.SCRAM_SHA_256;
    private static final String FORMS = "a password hash must read scram-sha-256$<iterations>$<base64 salt>"
            + "$<base64 StoredKey>$<base64 ServerKey> (or, from older versions, pbkdf2-sha256$<iterations>"
            + "$<base64 salt>$<base64 hash>)";

    @Test
    void aNewPasswordIsStoredAsScramsStoredKeyAndServerKeyOnly() {
        String encoded = PasswordHash.create("s3cret", 1234);
        String[] parts = encoded.split("\\$");
        assertEquals(5, parts.length, encoded);
        assertEquals("scram-sha-256", parts[0]);
        assertEquals("1234", parts[1]);
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        assertEquals(16, salt.length);
        // RFC 5802: what a SCRAM client derives from the password; SaltedPassword itself is not in the string.
        byte[] salted = ScramFunctions.saltedPassword(SHA_256, StringPreparation.SASL_PREPARATION,
                "s3cret".toCharArray(), salt, 1234);
        assertArrayEquals(ScramFunctions.storedKey(SHA_256, ScramFunctions.clientKey(SHA_256, salted)),
                Base64.getDecoder().decode(parts[3]));
        assertArrayEquals(ScramFunctions.serverKey(SHA_256, salted), Base64.getDecoder().decode(parts[4]));
        assertFalse(encoded.contains(Base64.getEncoder().encodeToString(salted)));
        PasswordHash parsed = PasswordHash.parse(encoded);
        assertEquals("scram-sha-256", parsed.algorithm());
        assertEquals(encoded, parsed.encoded());
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
    void theRfc7677ExampleVerifiesAgainstTheStoredKeys() {
        // RFC 7677 section 3: user "user", password "pencil".
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        StoredScramKeys keys = StoredScramKeys.derive("pencil", salt, 4096);
        String nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=" + nonce + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
                + "c=biws,r=" + nonce;
        byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assertTrue(keys.verifiesProof(proof, authMessage));
        assertEquals("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
                Base64.getEncoder().encodeToString(keys.serverSignature(authMessage)));
        proof[31] ^= 1;
        assertFalse(keys.verifiesProof(proof, authMessage));
        assertTrue(PasswordHash.parse(keys.encoded()).matches("pencil"));
    }

    @Test
    void theOldFormStillVerifiesPasswords() {
        // The published PBKDF2-HMAC-SHA256 vector: "password", salt "salt", 1 iteration, 32 bytes (120fb6cf...).
        String salt = Base64.getEncoder().encodeToString("salt".getBytes(StandardCharsets.UTF_8));
        String vector = "pbkdf2-sha256$1$" + salt + "$Eg+2z/z4syxD5yJSVsT4N6hlSMkszDVICAWYfLcL4Xs=";
        PasswordHash parsed = PasswordHash.parse(vector);
        assertInstanceOf(LegacyPbkdf2Hash.class, parsed);
        assertEquals("pbkdf2-sha256", parsed.algorithm());
        assertEquals(vector, parsed.encoded());
        assertTrue(parsed.matches("password"));
        assertFalse(parsed.matches("Password"));

        PasswordHash written = PasswordHash.parse(LegacyHashes.pbkdf2("s3cret", 1000));
        assertTrue(written.matches("s3cret"));
        assertFalse(written.matches("s3cret "));
        assertFalse(written.matches(""));
    }

    @Test
    void passwordsArePreparedWithSaslprepAsScramClientsDo() {
        // A soft hyphen maps to nothing (RFC 4013), so a SCRAM client sends the keys of "IX" for either spelling.
        PasswordHash hash = PasswordHash.parse(PasswordHash.create("I\u00ADX", 1000));
        assertTrue(hash.matches("IX"));
        // A password SASLprep refuses (a control character) is hashed as given, and still logs in with a password.
        PasswordHash control = PasswordHash.parse(PasswordHash.create("a\u0007b", 1000));
        assertTrue(control.matches("a\u0007b"));
        assertFalse(control.matches("ab"));
    }

    @Test
    void malformedHashesAreRefusedWithTheReason() {
        assertEquals(FORMS, assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("plain"))
                .getMessage());
        assertEquals(FORMS, assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("md5$1$YQ==$YQ==")).getMessage());
        assertEquals(FORMS, assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("scram-sha-256$1$YQ==$YQ==")).getMessage());
        assertEquals("password hash iterations 'many' is not a number", assertThrows(
                IllegalArgumentException.class, () -> PasswordHash.parse("pbkdf2-sha256$many$YQ==$YQ==")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("pbkdf2-sha256$1$!!$YQ=="))
                .getMessage().startsWith("password hash salt is not valid base64"));
        assertEquals("password hash hash is empty", assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("pbkdf2-sha256$1$YQ==$")).getMessage());
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        assertEquals("password hash StoredKey must be 32 bytes", assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("scram-sha-256$4096$YQ==$YQ==$" + key)).getMessage());
        assertEquals("password hash ServerKey must be 32 bytes", assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("scram-sha-256$4096$YQ==$" + key + "$YQ==")).getMessage());
    }
}
