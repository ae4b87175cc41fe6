package dev.junction.server.auth;

import java.util.Optional;

/**
 * Where the protocols learn a user's permissions on a vhost. Empty means the user has no permissions there at
 * all, so it may not even open the vhost (RabbitMQ's "access to vhost refused").
 */
@FunctionalInterface
public interface PermissionLookup {
    Optional<ResourcePermissions> lookup(String user, String vhost);

    /** Every user may do everything in every vhost: the broker's behaviour before per-user permissions. */
    static PermissionLookup grantAll() {
        Optional<ResourcePermissions> all = Optional.of(ResourcePermissions.ALL);
        return (user, vhost) -> all;
    }
}
