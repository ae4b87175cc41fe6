package dev.junction.server.auth;

import dev.junction.core.Broker;

import java.time.Duration;
import java.util.Map;

/** Logins for tests that build the protocol services themselves: cheap hashes, no refusal delay. */
public final class TestLogins {
    /** Few iterations, so that tests do not spend their time in PBKDF2. */
    public static final int ITERATIONS = PasswordHash.MIN_ITERATIONS;

    private TestLogins() {
    }

    public static Logins guest(Broker core) {
        return of(core, Map.of("guest", "guest"));
    }

    /** These users (name to password), guest among them as an administrator from loopback only. */
    public static Logins of(Broker core, Map<String, String> users) {
        return new Logins(UserRegistry.open(core, users, ITERATIONS), Duration.ZERO);
    }
}
