package dev.junction.server.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/** Stored passwords as versions before the {@code scram-sha-256} form wrote them, for tests of the upgrade. */
public final class LegacyHashes {
    private LegacyHashes() {
    }

    /** {@code pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>}: PBKDF2-HMAC-SHA256, 16-byte salt, 32 bytes. */
    public static String pbkdf2(String password, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        try {
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
            Base64.Encoder base64 = Base64.getEncoder();
            return "pbkdf2-sha256$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
