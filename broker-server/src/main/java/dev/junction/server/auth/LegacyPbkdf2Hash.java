package dev.junction.server.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * A password as older versions stored it: {@code pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>}, the
 * hash being PBKDF2-HMAC-SHA256 of the password as given. It verifies password logins only: its 32-byte hash is
 * SCRAM-SHA-256's SaltedPassword, so SCRAM keys derived from it would make the stored string itself a login.
 * {@link Logins} re-stores it as {@link StoredScramKeys} at the user's first password login.
 */
final class LegacyPbkdf2Hash extends PasswordHash {
    private static final String JDK_ALGORITHM = "PBKDF2WithHmacSHA256";

    private final byte[] hash;

    LegacyPbkdf2Hash(int iterations, byte[] salt, byte[] hash) {
        super(iterations, salt);
        this.hash = hash;
    }

    @Override
    public String algorithm() {
        return LEGACY_PBKDF2_SHA256;
    }

    @Override
    public boolean matches(String password) {
        if (password.isEmpty()) {
            return false;
        }
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt(), iterations(), hash.length * 8);
        try {
            return MessageDigest.isEqual(hash, SecretKeyFactory.getInstance(JDK_ALGORITHM).generateSecret(spec)
                    .getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(JDK_ALGORITHM + " is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String encoded() {
        return encodedPrefix() + Base64.getEncoder().encodeToString(hash);
    }
}
