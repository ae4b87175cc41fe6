package dev.junction.server.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A stored password: salted PBKDF2-HMAC-SHA256, written as one self-describing string
 * {@code pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>}, so that a later change of the iteration count
 * leaves existing users' hashes verifiable. Deriving is slow on purpose: callers keep it off event loops.
 */
public final class PasswordHash {
    public static final String ALGORITHM = "pbkdf2-sha256";
    public static final int MIN_ITERATIONS = 1000;
    public static final int MAX_ITERATIONS = 10_000_000;
    private static final String JDK_ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new hash of {@code password} under a fresh random salt, as its stored string. */
    public static String create(String password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, HASH_BITS)).encoded();
    }

    /**
     * Reads a stored string; throws {@link IllegalArgumentException} saying what is wrong with it, so an
     * imported {@code password_hash} is refused before it is stored rather than at the first login.
     */
    public static PasswordHash parse(String encoded) {
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(ALGORITHM)) {
            throw new IllegalArgumentException("a password hash must read " + ALGORITHM
                    + "$<iterations>$<base64 salt>$<base64 hash>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("password hash iterations '" + parts[1] + "' is not a number");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("password hash iterations must be 1 to " + MAX_ITERATIONS);
        }
        byte[] salt = base64(parts[2], "salt");
        byte[] hash = base64(parts[3], "hash");
        return new PasswordHash(iterations, salt, hash);
    }

    private static byte[] base64(String text, String what) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("password hash " + what + " is not valid base64: " + e.getMessage());
        }
        if (bytes.length == 0) {
            throw new IllegalArgumentException("password hash " + what + " is empty");
        }
        return bytes;
    }

    /** Whether {@code password} is the one hashed; the comparison takes the same time wherever they differ. */
    public boolean matches(String password) {
        // An empty password never logs in: it is what a client sends that has none to give.
        return !password.isEmpty() && MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length * 8));
    }

    int iterations() {
        return iterations;
    }

    byte[] salt() {
        return salt.clone();
    }

    /** The derived key: for a 32-byte hash, SCRAM-SHA-256's SaltedPassword ({@link ScramSha256}). */
    byte[] hash() {
        return hash.clone();
    }

    public String encoded() {
        Base64.Encoder base64 = Base64.getEncoder();
        return ALGORITHM + "$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    private static byte[] derive(String password, byte[] salt, int iterations, int bits) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bits);
        try {
            return SecretKeyFactory.getInstance(JDK_ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(JDK_ALGORITHM + " is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
