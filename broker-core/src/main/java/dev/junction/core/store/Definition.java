package dev.junction.core.store;

import dev.junction.core.Arguments;
import dev.junction.core.exchange.ExchangeType;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A durable piece of topology, as the store keeps it. Each kind has an identity: a later definition with the same
 * identity replaces the earlier one, and {@link DefinitionStore#remove} removes by identity.
 */
public sealed interface Definition {

    /** What makes two definitions the same entity. */
    Object identity();

    record VirtualHostDefinition(String name) implements Definition {
        @Override
        public Object identity() {
            return List.of("vhost", name);
        }
    }

    record ExchangeDefinition(String vhost, String name, ExchangeType type, boolean autoDelete, boolean internal,
                              Map<String, Object> arguments) implements Definition {
        public ExchangeDefinition {
            arguments = Arguments.copyOf(arguments);
        }

        @Override
        public Object identity() {
            return List.of("exchange", vhost, name);
        }
    }

    record QueueDefinition(String vhost, String name, boolean autoDelete, Map<String, Object> arguments)
            implements Definition {
        public QueueDefinition {
            arguments = Arguments.copyOf(arguments);
        }

        @Override
        public Object identity() {
            return List.of("queue", vhost, name);
        }
    }

    /**
     * Limit arguments set on a live durable queue over its declared ones (see
     * {@link dev.junction.core.vhost.VirtualHost#overrideLimits}), for the queue the store knows by {@code queueId}:
     * a queue deleted and declared again under the same name has another id, so it never inherits them. A void
     * value removes the declared argument of that name.
     */
    record QueueLimitsDefinition(String vhost, String queue, long queueId, Map<String, Object> overrides)
            implements Definition {
        public QueueLimitsDefinition {
            overrides = Arguments.copyOf(overrides);
        }

        @Override
        public Object identity() {
            return List.of("queue-limits", vhost, queue);
        }
    }

    /** A policy of a vhost (see {@link dev.junction.core.vhost.Policy}); {@code applyTo} is its wire name. */
    record PolicyDefinition(String vhost, String name, String pattern, String applyTo, int priority,
                            Map<String, Object> definition) implements Definition {
        public PolicyDefinition {
            definition = Arguments.copyOf(definition);
        }

        @Override
        public Object identity() {
            return List.of("policy", vhost, name);
        }
    }

    /** A binding between two durable ends; {@code toExchange} tells whether the destination is an exchange. */
    record BindingDefinition(String vhost, String source, String destination, boolean toExchange, String routingKey,
                             Map<String, Object> arguments) implements Definition {
        public BindingDefinition {
            arguments = Arguments.copyOf(arguments);
        }

        @Override
        public Object identity() {
            return this;
        }
    }

    /**
     * A protocol handler's own durable state, opaque to the core: one value per key within a namespace the handler
     * chooses (MQTT keeps its persistent sessions and retained messages this way). The value array is taken
     * over, not copied (it may be a message payload): nobody changes it afterwards.
     */
    record StateRecord(String namespace, String key, byte[] value) implements Definition {

        @Override
        public Object identity() {
            return List.of("state", namespace, key);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof StateRecord record && namespace.equals(record.namespace)
                    && key.equals(record.key) && Arrays.equals(value, record.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(namespace, key, Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "StateRecord[" + namespace + ", " + key + ", " + value.length + " bytes]";
        }
    }

    /**
     * A broker user: its password as a self-describing hash string (never the password itself) and its tags
     * ({@code administrator}, {@code monitoring}, {@code management} or any other word).
     */
    record UserDefinition(String name, String passwordHash, Set<String> tags) implements Definition {
        public UserDefinition {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(passwordHash, "passwordHash");
            tags = Set.copyOf(tags);
        }

        @Override
        public Object identity() {
            return List.of("user", name);
        }
    }

    /** What a user may do in a vhost: three regular expressions over resource names, as in RabbitMQ. */
    record PermissionDefinition(String vhost, String user, String configure, String write, String read)
            implements Definition {
        public PermissionDefinition {
            Objects.requireNonNull(vhost, "vhost");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(configure, "configure");
            Objects.requireNonNull(write, "write");
            Objects.requireNonNull(read, "read");
        }

        @Override
        public Object identity() {
            return List.of("permission", vhost, user);
        }
    }
}
