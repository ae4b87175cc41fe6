package dev.junction.core.exchange;

import dev.junction.core.Arguments;

import java.util.Map;

/**
 * A route from a source exchange to a queue or another exchange, selected by key and arguments.
 *
 * @throws dev.junction.core.BrokerException PRECONDITION_FAILED for malformed MQTT subscription arguments
 *                                           ({@link MqttBindingArguments})
 */
public record Binding(Exchange source, Destination destination, String routingKey, Map<String, Object> arguments) {
    public Binding {
        arguments = MqttBindingArguments.canonical(Arguments.checkedCopyOf(arguments));
    }
}
