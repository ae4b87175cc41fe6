package dev.junction.server.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * A stored password, written as one self-describing string that names its form and iteration count, so that a
 * later change of the count leaves existing users' passwords verifiable. New passwords are stored as
 * {@link StoredScramKeys} ({@code scram-sha-256$...}): what both password logins and SCRAM-SHA-256 need, and
 * nothing that logs in by itself. {@link LegacyPbkdf2Hash} ({@code pbkdf2-sha256$...}, written by older versions)
 * still verifies passwords until it is re-stored. Deriving is slow on purpose: callers keep it off event loops.
 */
public abstract sealed class PasswordHash permits StoredScramKeys, LegacyPbkdf2Hash {
    public static final String SCRAM_SHA_256 = "scram-sha-256";
    public static final String LEGACY_PBKDF2_SHA256 = "pbkdf2-sha256";
    /** The forms {@link #parse} reads, as their strings name them. */
    public static final List<String> ALGORITHMS = List.of(SCRAM_SHA_256, LEGACY_PBKDF2_SHA256);
    public static final int MIN_ITERATIONS = 1000;
    public static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;

    PasswordHash(int iterations, byte[] salt) {
        this.iterations = iterations;
        this.salt = salt;
    }

    /** The stored form of {@code password} under a fresh random salt: always {@code scram-sha-256}. */
    public static String create(String password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return StoredScramKeys.derive(password, salt, iterations).encoded();
    }

    /**
     * Reads a stored string; throws {@link IllegalArgumentException} saying what is wrong with it, so an
     * imported {@code password_hash} is refused before it is stored rather than at the first login.
     */
    public static PasswordHash parse(String encoded) {
        String[] parts = encoded.split("\\$", -1);
        if (parts.length == 5 && parts[0].equals(SCRAM_SHA_256)) {
            return new StoredScramKeys(iterations(parts[1]), base64(parts[2], "salt"),
                    StoredScramKeys.key(base64(parts[3], "StoredKey"), "StoredKey"),
                    StoredScramKeys.key(base64(parts[4], "ServerKey"), "ServerKey"));
        }
        if (parts.length == 4 && parts[0].equals(LEGACY_PBKDF2_SHA256)) {
            return new LegacyPbkdf2Hash(iterations(parts[1]), base64(parts[2], "salt"), base64(parts[3], "hash"));
        }
        throw new IllegalArgumentException("a password hash must read " + SCRAM_SHA_256
                + "$<iterations>$<base64 salt>$<base64 StoredKey>$<base64 ServerKey> (or, from older versions, "
                + LEGACY_PBKDF2_SHA256 + "$<iterations>$<base64 salt>$<base64 hash>)");
    }

    private static int iterations(String text) {
        int iterations;
        try {
            iterations = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("password hash iterations '" + text + "' is not a number");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("password hash iterations must be 1 to " + MAX_ITERATIONS);
        }
        return iterations;
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

    /** The form, as the stored string names it ({@link #ALGORITHMS}). */
    public abstract String algorithm();

    /**
     * Whether {@code password} is the one stored; the derived value is compared in constant time. An empty
     * password never matches: it is what a client sends that has none to give.
     */
    public abstract boolean matches(String password);

    public abstract String encoded();

    int iterations() {
        return iterations;
    }

    byte[] salt() {
        return salt.clone();
    }

    /** The algorithm, iteration count and salt, each followed by {@code $}: how every form's string begins. */
    String encodedPrefix() {
        return algorithm() + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$";
    }
}
