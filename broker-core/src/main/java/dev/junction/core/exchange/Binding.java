package dev.junction.core.exchange;

import dev.junction.core.Arguments;

import java.util.Map;

/** A route from a source exchange to a queue or another exchange, selected by key and arguments. */
public record Binding(Exchange source, Destination destination, String routingKey, Map<String, Object> arguments) {
    public Binding {
        arguments = Arguments.checkedCopyOf(arguments);
    }
}
