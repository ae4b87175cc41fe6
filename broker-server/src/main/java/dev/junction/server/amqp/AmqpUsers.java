package dev.junction.server.amqp;

import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;

/**
 * Who may log in over AMQP: user names with their passwords, and the users allowed from loopback addresses only
 * (guest, as in RabbitMQ, so that the well-known default account is useless from another machine).
 */
public final class AmqpUsers {
    private final Map<String, String> passwords;
    private final Set<String> loopbackOnly;

    public AmqpUsers(Map<String, String> passwords, Set<String> loopbackOnly) {
        this.passwords = Map.copyOf(passwords);
        this.loopbackOnly = Set.copyOf(loopbackOnly);
    }

    /** The configured {@code users}; guest, if among them, may connect from loopback only. */
    public static AmqpUsers from(Config config) {
        return new AmqpUsers(config.get(ConfigKeys.USERS), Set.of("guest"));
    }

    /** guest/guest, from loopback only. */
    public static AmqpUsers defaults() {
        return new AmqpUsers(Map.of("guest", "guest"), Set.of("guest"));
    }

    /** The user names, for the management API. */
    public Set<String> names() {
        return passwords.keySet();
    }

    /**
     * Returns null if the login is accepted, otherwise why it is refused (for the log, never for the client). The
     * management endpoint checks its HTTP logins with it too.
     */
    public String refusal(String user, String password, InetAddress from) {
        String expected = passwords.get(user);
        if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8))) {
            return "invalid credentials for user '" + user + "'";
        }
        return loopbackRefusal(user, from);
    }

    /** As {@link #refusal}, for a user whose verified TLS client certificate stands in for the password. */
    String certificateRefusal(String user, InetAddress from) {
        if (!passwords.containsKey(user)) {
            return "client certificate CN '" + user + "' is not a known user";
        }
        return loopbackRefusal(user, from);
    }

    private String loopbackRefusal(String user, InetAddress from) {
        if (loopbackOnly.contains(user) && (from == null || !from.isLoopbackAddress())) {
            return "user '" + user + "' can only connect via localhost";
        }
        return null;
    }
}
