package dev.junction.server.auth;

import dev.junction.core.Broker;
import dev.junction.core.store.Definition;
import dev.junction.core.store.Definition.PermissionDefinition;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.core.store.DefinitionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The broker's users (password hash and tags) and their per-vhost permissions, kept in memory for lock-free reads
 * on the login path and written through the core's {@link DefinitionStore}. Changes are serialised on the
 * registry (they are rare and come from the management API), so a user deleted while a permission is being set
 * never leaves the permission behind.
 */
public final class UserRegistry {
    public static final String ADMINISTRATOR = "administrator";
    public static final String MONITORING = "monitoring";
    public static final String MANAGEMENT = "management";
    public static final String DEFAULT_VHOST = Broker.DEFAULT_VHOST;
    /** RabbitMQ's default user, accepted from loopback addresses only. */
    public static final String GUEST = "guest";
    private static final String EVERYTHING = ".*";
    private static final Logger log = LoggerFactory.getLogger(UserRegistry.class);

    private record PermissionKey(String user, String vhost) {
    }

    private final DefinitionStore store;
    private final int hashIterations;
    private final ConcurrentHashMap<String, UserDefinition> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PermissionKey, PermissionDefinition> permissions = new ConcurrentHashMap<>();
    /** Told (user, vhost) after that permission changed, so open connections apply it without reconnecting. */
    private final List<BiConsumer<String, String>> permissionWatchers = new CopyOnWriteArrayList<>();
    /** Told a user's name after it was deleted, so that its open connections end at once. */
    private final List<Consumer<String>> deletionWatchers = new CopyOnWriteArrayList<>();

    private UserRegistry(DefinitionStore store, int hashIterations) {
        this.store = store;
        this.hashIterations = hashIterations;
    }

    /**
     * The users and permissions the core recovered; when it recovered no user at all (a fresh data directory),
     * {@code seedUsers} (name to password) are created, each with every permission on vhost {@code /}, guest as
     * an administrator as RabbitMQ creates it.
     */
    public static UserRegistry open(Broker core, Map<String, String> seedUsers, int hashIterations) {
        UserRegistry registry = new UserRegistry(core.definitions(), hashIterations);
        for (Definition definition : core.takeRecoveredAccessControl()) {
            if (definition instanceof UserDefinition user) {
                registry.users.put(user.name(), user);
            } else if (definition instanceof PermissionDefinition permission) {
                registry.permissions.put(new PermissionKey(permission.user(), permission.vhost()), permission);
            }
        }
        if (registry.users.isEmpty() && !seedUsers.isEmpty()) {
            seedUsers.forEach((name, password) -> {
                registry.putUser(new UserDefinition(name, registry.hash(password),
                        name.equals(GUEST) ? Set.of(ADMINISTRATOR) : Set.of()));
                registry.putPermission(new PermissionDefinition(DEFAULT_VHOST, name, EVERYTHING, EVERYTHING,
                        EVERYTHING));
            });
            log.info("Created the users {} from the users setting (the store held none)", seedUsers.keySet());
        } else if (!seedUsers.isEmpty()) {
            // The setting only seeds an empty store; saying so spares the operator editing it for a change that
            // can never apply.
            log.info("The users setting {} is ignored: the user store already holds the users {}. Change users with"
                    + " junction-ctl (add-user, change-password, delete-user) or the management API (/api/users)",
                    new TreeSet<>(seedUsers.keySet()), new TreeSet<>(registry.users.keySet()));
        }
        return registry;
    }

    /** {@code watcher} learns of every later permission change, as (user, vhost). */
    public void watchPermissions(BiConsumer<String, String> watcher) {
        permissionWatchers.add(watcher);
    }

    /** {@code watcher} learns of every later user deletion, by name, after the user's permissions are gone. */
    public void watchDeletions(Consumer<String> watcher) {
        deletionWatchers.add(watcher);
    }

    private void permissionChanged(String user, String vhost) {
        permissionWatchers.forEach(watcher -> watcher.accept(user, vhost));
    }

    /** A new stored hash of {@code password}, with the configured iteration count. Slow: not on an event loop. */
    public String hash(String password) {
        return PasswordHash.create(password, hashIterations);
    }

    /**
     * Stores {@code password}, just verified against {@code user}'s stored hash in an older form, anew in the
     * current form, under a fresh salt (a copy of the old hash thus gives nothing of the new keys), unless the
     * user was changed or deleted meanwhile. Slow: not on an event loop. A failed write leaves the old form, which
     * still verifies.
     *
     * @return the new stored string; empty when the user changed meanwhile or the write failed
     */
    Optional<String> upgradePassword(UserDefinition user, String password) {
        String upgradedHash = hash(password);
        synchronized (this) {
            UserDefinition current = users.get(user.name());
            if (current == null || !current.passwordHash().equals(user.passwordHash())) {
                return Optional.empty();
            }
            UserDefinition upgraded = new UserDefinition(current.name(), upgradedHash, current.tags());
            try {
                store.put(upgraded);
            } catch (RuntimeException e) {
                log.warn("Could not store the password of user '{}' anew as {}: {}", user.name(),
                        PasswordHash.SCRAM_SHA_256, e.toString());
                return Optional.empty();
            }
            users.put(upgraded.name(), upgraded);
        }
        log.info("Stored the password of user '{}' anew as {}, at its first login since it was stored as {}: it can"
                + " now log in with SCRAM-SHA-256 as well", user.name(), PasswordHash.SCRAM_SHA_256,
                PasswordHash.LEGACY_PBKDF2_SHA256);
        return Optional.of(upgradedHash);
    }

    /** The iteration count of newly set passwords. */
    int hashIterations() {
        return hashIterations;
    }

    public Optional<UserDefinition> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** Every user, by name. */
    public List<UserDefinition> users() {
        return users.values().stream().sorted(Comparator.comparing(UserDefinition::name)).toList();
    }

    /** What {@code user} may do in {@code vhost}; empty where it has no permission there. */
    public Optional<PermissionDefinition> permission(String user, String vhost) {
        return Optional.ofNullable(permissions.get(new PermissionKey(user, vhost)));
    }

    /** Every permission, by vhost and user. */
    public List<PermissionDefinition> permissions() {
        return permissions.values().stream()
                .sorted(Comparator.comparing(PermissionDefinition::vhost).thenComparing(PermissionDefinition::user))
                .toList();
    }

    /** Creates or replaces a user; returns whether it was created. Its password hash must parse. */
    public synchronized boolean putUser(UserDefinition user) {
        PasswordHash.parse(user.passwordHash());
        if (user.name().isEmpty()) {
            throw new IllegalArgumentException("a user name must not be empty");
        }
        store.put(user);
        return users.put(user.name(), user) == null;
    }

    /** Deletes a user and its permissions; returns whether there was one. */
    public synchronized boolean deleteUser(String name) {
        UserDefinition removed = users.remove(name);
        if (removed == null) {
            return false;
        }
        // Not announced one by one as permission changes: the deletion below ends the user's connections anyway,
        // and says why.
        for (PermissionDefinition permission : List.copyOf(permissions.values())) {
            if (permission.user().equals(name)) {
                forgetPermission(permission.vhost(), name);
            }
        }
        store.remove(removed);
        log.info("Closing all connections of user '{}' because it is being deleted", name);
        deletionWatchers.forEach(watcher -> watcher.accept(name));
        return true;
    }

    /**
     * Sets a user's permissions in a vhost; returns whether it had none there before. The user must exist and
     * each of the three must be a valid regular expression.
     */
    public synchronized boolean putPermission(PermissionDefinition permission) {
        if (!users.containsKey(permission.user())) {
            throw new IllegalArgumentException("no user '" + permission.user() + "'");
        }
        checkPattern("configure", permission.configure());
        checkPattern("write", permission.write());
        checkPattern("read", permission.read());
        store.put(permission);
        boolean created = permissions.put(new PermissionKey(permission.user(), permission.vhost()), permission) == null;
        permissionChanged(permission.user(), permission.vhost());
        return created;
    }

    /** Clears a user's permissions in a vhost; returns whether it had any. */
    public synchronized boolean deletePermission(String vhost, String user) {
        boolean removed = forgetPermission(vhost, user);
        if (removed) {
            permissionChanged(user, vhost);
        }
        return removed;
    }

    private boolean forgetPermission(String vhost, String user) {
        PermissionDefinition removed = permissions.remove(new PermissionKey(user, vhost));
        if (removed != null) {
            store.remove(removed);
        }
        return removed != null;
    }

    private static void checkPattern(String which, String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(which + " permission '" + regex + "' is not a valid regular "
                    + "expression: " + e.getDescription());
        }
    }
}
