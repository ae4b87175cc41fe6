package dev.junction.core.exchange;

import dev.junction.core.BrokerException;

import java.util.List;
import java.util.Map;

/**
 * The binding argument that makes a binding on a topic exchange an MQTT subscription: its key is then an MQTT topic
 * filter (where {@code *}, {@code .} and a {@code #} or {@code +} inside a level are ordinary characters), matched
 * with MQTT's rules against the routing key read as a topic name, and the argument's value is the QoS granted to the
 * subscription, which the route carries to the queue (the highest of the matching subscriptions, see
 * {@link RouteCollector}). As RabbitMQ's MQTT plugin, the subscription options live in the binding's arguments, so
 * they are stored, exported and imported with it like any binding.
 *
 * <p>The three argument tables are shared by every subscription: the argument costs a subscription nothing.
 */
public final class MqttBindingArguments {
    /** The argument's name; its value is 0, 1 or 2. */
    public static final String GRANTED_QOS = "x-mqtt-subscription-qos";
    /** What {@link #grantedQos} answers for a binding that is no MQTT subscription. */
    public static final int NOT_MQTT = -1;

    private static final List<Map<String, Object>> BY_QOS = List.of(
            Map.of(GRANTED_QOS, 0), Map.of(GRANTED_QOS, 1), Map.of(GRANTED_QOS, 2));

    private MqttBindingArguments() {
    }

    /** The arguments of an MQTT subscription granted {@code qos}. */
    public static Map<String, Object> of(int qos) {
        return BY_QOS.get(qos);
    }

    /** The granted QoS of an MQTT subscription binding, or {@link #NOT_MQTT}. */
    public static int grantedQos(Map<String, Object> arguments) {
        for (int qos = 0; qos < BY_QOS.size(); qos++) {
            if (BY_QOS.get(qos) == arguments) {
                return qos;
            }
        }
        return NOT_MQTT;
    }

    /**
     * The shared table for arguments that are an MQTT subscription whatever integer type carries the QoS (a table
     * read back from the store or a definitions file may hold a long), else {@code arguments} itself.
     *
     * @throws BrokerException PRECONDITION_FAILED if the arguments name a QoS that is not 0, 1 or 2, or hold more
     *                         than that one argument
     */
    static Map<String, Object> canonical(Map<String, Object> arguments) {
        if (!arguments.containsKey(GRANTED_QOS)) {
            return arguments;
        }
        Object qos = arguments.get(GRANTED_QOS);
        if (arguments.size() != 1 || !(qos instanceof Byte || qos instanceof Short || qos instanceof Integer
                || qos instanceof Long) || ((Number) qos).longValue() < 0 || ((Number) qos).longValue() > 2) {
            throw BrokerException.preconditionFailed("binding argument '" + GRANTED_QOS
                    + "' must be the only argument and an integer 0, 1 or 2; received " + arguments);
        }
        return BY_QOS.get(((Number) qos).intValue());
    }
}
