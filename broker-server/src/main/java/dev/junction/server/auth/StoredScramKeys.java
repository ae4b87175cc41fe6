package dev.junction.server.auth;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;

import java.security.MessageDigest;
import java.util.Base64;

/**
 * A password stored as SCRAM-SHA-256 keeps it (RFC 5802, as PostgreSQL does):
 * {@code scram-sha-256$<iterations>$<base64 salt>$<base64 StoredKey>$<base64 ServerKey>}, where SaltedPassword is
 * PBKDF2-HMAC-SHA256 of the password, StoredKey the SHA-256 of HMAC(SaltedPassword, "Client Key") and ServerKey
 * HMAC(SaltedPassword, "Server Key"). Neither key logs in: a SCRAM proof needs the ClientKey, which StoredKey is
 * a one-way hash of, and a password login needs the password. SaltedPassword is never stored.
 */
final class StoredScramKeys extends PasswordHash {
    private static final ScramMechanism SHA_256 = ScramMechanism.SCRAM_SHA_256;
    /**
     * SASLprep, as SCRAM clients prepare a password (RFC 5802 section 2.2), so that both kinds of login agree on
     * it; a password SASLprep refuses (control characters) is taken as given, as PostgreSQL does, and still logs
     * in with a password.
     */
    private static final StringPreparation PREPARATION = StringPreparation.POSTGRESQL_PREPARATION;
    static final int KEY_BYTES = 32;

    private final byte[] storedKey;
    private final byte[] serverKey;

    StoredScramKeys(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
        super(iterations, salt);
        this.storedKey = storedKey;
        this.serverKey = serverKey;
    }

    static StoredScramKeys derive(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        return new StoredScramKeys(iterations, salt, storedKey(salted), ScramFunctions.serverKey(SHA_256, salted));
    }

    /** {@code key} if it has SHA-256's length. */
    static byte[] key(byte[] key, String what) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("password hash " + what + " must be " + KEY_BYTES + " bytes");
        }
        return key;
    }

    private static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        return ScramFunctions.saltedPassword(SHA_256, PREPARATION, password.toCharArray(), salt, iterations);
    }

    private static byte[] storedKey(byte[] saltedPassword) {
        return ScramFunctions.storedKey(SHA_256, ScramFunctions.clientKey(SHA_256, saltedPassword));
    }

    @Override
    public String algorithm() {
        return SCRAM_SHA_256;
    }

    @Override
    public boolean matches(String password) {
        return !password.isEmpty()
                && MessageDigest.isEqual(storedKey, storedKey(saltedPassword(password, salt(), iterations())));
    }

    /**
     * Whether a SCRAM ClientProof of {@link #KEY_BYTES} bytes proves the ClientKey: the proof XOR
     * HMAC(StoredKey, AuthMessage) must hash to StoredKey. Compared in constant time, which ongres'
     * {@code verifyClientProof} does not.
     */
    boolean verifiesProof(byte[] proof, String authMessage) {
        byte[] clientKey = ScramFunctions.clientProof(proof,
                ScramFunctions.clientSignature(SHA_256, storedKey, authMessage));
        return MessageDigest.isEqual(storedKey, ScramFunctions.storedKey(SHA_256, clientKey));
    }

    /** HMAC(ServerKey, AuthMessage): what proves to the client that this server holds the user's keys. */
    byte[] serverSignature(String authMessage) {
        return ScramFunctions.serverSignature(SHA_256, serverKey, authMessage);
    }

    @Override
    public String encoded() {
        Base64.Encoder base64 = Base64.getEncoder();
        return encodedPrefix() + base64.encodeToString(storedKey) + "$" + base64.encodeToString(serverKey);
    }
}
