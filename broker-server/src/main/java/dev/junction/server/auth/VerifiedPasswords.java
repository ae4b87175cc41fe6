package dev.junction.server.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passwords recently verified against a user's stored hash, so that a fleet of devices reconnecting costs one
 * PBKDF2 per user rather than one per connection. An entry holds an HMAC-SHA256 of the password under a key drawn
 * for this process (never the password, and useless to anyone who reads the heap but not the key) and the hash
 * string it was verified against: once the user's hash changes (a new password) or the user is gone, the entry no
 * longer matches anything.
 */
final class VerifiedPasswords {
    private static final String MAC = "HmacSHA256";

    private record Entry(String passwordHash, byte[] mac) {
    }

    private final int capacity;
    private final SecretKeySpec key;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ThreadLocal<Mac> macs;

    VerifiedPasswords(int capacity) {
        this.capacity = capacity;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, MAC);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** Whether {@code password} was verified for {@code user} while its stored hash was {@code passwordHash}. */
    boolean contains(String user, String passwordHash, String password) {
        Entry entry = entries.get(user);
        return entry != null && entry.passwordHash().equals(passwordHash)
                && MessageDigest.isEqual(entry.mac(), mac(password));
    }

    void remember(String user, String passwordHash, String password) {
        if (entries.size() >= capacity && !entries.containsKey(user)) {
            // Bounded: some other user pays one more PBKDF2 at its next login.
            Iterator<String> any = entries.keySet().iterator();
            if (any.hasNext()) {
                entries.remove(any.next());
            }
        }
        entries.put(user, new Entry(passwordHash, mac(password)));
    }

    private byte[] mac(String password) {
        return macs.get().doFinal(password.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is missing from this JDK", e);
        }
    }
}
