package dev.junction.core.exchange;

import dev.junction.core.Arguments;

import java.util.Map;

/** What exchange.declare fixes for an exchange's lifetime. */
public record ExchangeSettings(boolean durable, boolean autoDelete, boolean internal, Map<String, Object> arguments) {
    /**
     * The one argument that makes a redeclaration inequivalent when it differs: RabbitMQ compares no other
     * exchange argument, so arguments it does not know never refuse a redeclaration.
     */
    public static final String ALTERNATE_EXCHANGE = "alternate-exchange";

    public ExchangeSettings {
        arguments = Arguments.checkedCopyOf(arguments);
    }

    /** Where messages this exchange cannot route go instead (RabbitMQ's {@code alternate-exchange}), or null. */
    public String alternateExchange() {
        Object name = arguments.get(ALTERNATE_EXCHANGE);
        return name == null ? null : name.toString();
    }

    public static ExchangeSettings builtIn() {
        return new ExchangeSettings(true, false, false, Map.of());
    }

    public static ExchangeSettings plain() {
        return new ExchangeSettings(false, false, false, Map.of());
    }
}
