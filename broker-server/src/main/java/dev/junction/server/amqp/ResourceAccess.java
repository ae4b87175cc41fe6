package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.server.auth.ResourcePermissions;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the user of one AMQP connection may do to the exchanges and queues of its vhost. A refusal is RabbitMQ's
 * channel error, 403 with its wording ("ACCESS_REFUSED - write access to exchange 'x' in vhost '/' refused for user
 * 'u'"); the default exchange is checked, and named, as {@code amq.default}. Answers are remembered per name, so a
 * repeated publish to the same exchange costs a map lookup instead of a regular expression. Event-loop state only.
 */
final class ResourceAccess {
    /** Enough for any sane topology; a client cycling through more names only empties the memory now and then. */
    private static final int REMEMBERED_NAMES = 256;
    private static final String DEFAULT_EXCHANGE = "amq.default";

    enum Kind {
        EXCHANGE("exchange"), QUEUE("queue");

        private final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    private enum Operation { CONFIGURE, WRITE, READ }

    private final String user;
    private final String vhost;
    private final Map<Operation, Map<String, Boolean>> answers = new EnumMap<>(Operation.class);
    private ResourcePermissions permissions;

    ResourceAccess(String user, String vhost, ResourcePermissions permissions) {
        this.user = user;
        this.vhost = vhost;
        this.permissions = permissions;
        for (Operation operation : Operation.values()) {
            answers.put(operation, new HashMap<>());
        }
    }

    String user() {
        return user;
    }

    String vhost() {
        return vhost;
    }

    /** New permissions apply to every later operation; what was remembered under the old ones is forgotten. */
    void update(ResourcePermissions newPermissions) {
        permissions = newPermissions;
        answers.values().forEach(Map::clear);
    }

    void checkConfigure(Kind kind, String name, AmqpMethod method) {
        check(Operation.CONFIGURE, kind, name, method);
    }

    void checkWrite(Kind kind, String name, AmqpMethod method) {
        check(Operation.WRITE, kind, name, method);
    }

    void checkRead(Kind kind, String name, AmqpMethod method) {
        check(Operation.READ, kind, name, method);
    }

    /** Whether the user may read the resource now, without refusing anything. */
    boolean mayRead(Kind kind, String name) {
        return allows(Operation.READ, resourceName(kind, name));
    }

    private void check(Operation operation, Kind kind, String name, AmqpMethod method) {
        String resource = resourceName(kind, name);
        if (!allows(operation, resource)) {
            throw AmqpError.soft(AmqpConstants.ACCESS_REFUSED, operation.name().toLowerCase(Locale.ROOT)
                    + " access to " + kind.word + " '" + resource + "' in vhost '" + vhost + "' refused for user '"
                    + user + "'", method);
        }
    }

    private static String resourceName(Kind kind, String name) {
        return kind == Kind.EXCHANGE && name.isEmpty() ? DEFAULT_EXCHANGE : name;
    }

    private boolean allows(Operation operation, String resource) {
        Map<String, Boolean> remembered = answers.get(operation);
        Boolean allowed = remembered.get(resource);
        if (allowed == null) {
            allowed = switch (operation) {
                case CONFIGURE -> permissions.mayConfigure(resource);
                case WRITE -> permissions.mayWrite(resource);
                case READ -> permissions.mayRead(resource);
            };
            if (remembered.size() >= REMEMBERED_NAMES) {
                remembered.clear();
            }
            remembered.put(resource, allowed);
        }
        return allowed;
    }
}
