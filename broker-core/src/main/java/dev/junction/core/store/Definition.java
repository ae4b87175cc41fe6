package dev.junction.core.store;

import dev.junction.core.Arguments;
import dev.junction.core.exchange.ExchangeType;

import java.util.List;
import java.util.Map;

/**
 * A durable piece of topology, as the store keeps it. Each kind has an identity: a later definition with the same
 * identity replaces the earlier one, and {@link DefinitionStore#remove} removes by identity. Users and permissions
 * will be further kinds of this interface.
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
}
