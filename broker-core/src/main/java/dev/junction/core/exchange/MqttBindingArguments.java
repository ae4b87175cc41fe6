package dev.junction.core.exchange;

import dev.junction.core.BrokerException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The binding argument that makes a binding on a topic exchange an MQTT subscription: its key is then an MQTT topic
 * filter (where {@code *}, {@code .} and a {@code #} or {@code +} inside a level are ordinary characters), matched
 * with MQTT's rules against the routing key read as a topic name, and the argument's value is the QoS granted to the
 * subscription, which the route carries to the queue (the highest of the matching subscriptions, see
 * {@link RouteCollector}). As RabbitMQ's MQTT plugin, the subscription options live in the binding's arguments, so
 * they are stored, exported and imported with it like any binding: besides the QoS, MQTT 5's No Local, Retain As
 * Published and Subscription Identifier, each present only when it is not the default (false, false, none). The
 * core routes by the QoS alone; the other options are the subscribing protocol's to apply at delivery.
 *
 * <p>The three QoS-only argument tables are shared by every subscription without options: the argument costs such a
 * subscription nothing.
 */
public final class MqttBindingArguments {
    /** The argument's name; its value is 0, 1 or 2. */
    public static final String GRANTED_QOS = "x-mqtt-subscription-qos";
    /** MQTT 5 No Local: a message its subscriber published is not delivered through this subscription. */
    public static final String NO_LOCAL = "x-mqtt-no-local";
    /** MQTT 5 Retain As Published: the message is forwarded with the RETAIN flag it was published with. */
    public static final String RETAIN_AS_PUBLISHED = "x-mqtt-retain-as-published";
    /** MQTT 5 Subscription Identifier, 1 to {@link #MAX_SUBSCRIPTION_IDENTIFIER}. */
    public static final String SUBSCRIPTION_IDENTIFIER = "x-mqtt-subscription-identifier";
    public static final int MAX_SUBSCRIPTION_IDENTIFIER = 268_435_455;
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

    /**
     * The arguments of an MQTT subscription with options; the shared QoS-only table when they are the defaults.
     *
     * @param subscriptionIdentifier 0 for none
     */
    public static Map<String, Object> of(int qos, boolean noLocal, boolean retainAsPublished,
                                         int subscriptionIdentifier) {
        if (!noLocal && !retainAsPublished && subscriptionIdentifier == 0) {
            return of(qos);
        }
        Map<String, Object> arguments = new LinkedHashMap<>(BY_QOS.get(qos));
        if (noLocal) {
            arguments.put(NO_LOCAL, true);
        }
        if (retainAsPublished) {
            arguments.put(RETAIN_AS_PUBLISHED, true);
        }
        if (subscriptionIdentifier != 0) {
            arguments.put(SUBSCRIPTION_IDENTIFIER, subscriptionIdentifier);
        }
        return Collections.unmodifiableMap(arguments);
    }

    /** The granted QoS of an MQTT subscription binding, or {@link #NOT_MQTT}. */
    public static int grantedQos(Map<String, Object> arguments) {
        for (int qos = 0; qos < BY_QOS.size(); qos++) {
            if (BY_QOS.get(qos) == arguments) {
                return qos;
            }
        }
        // A subscription with options: canonical made its QoS an Integer.
        return arguments.get(GRANTED_QOS) instanceof Integer qos ? qos : NOT_MQTT;
    }

    /** Whether the canonical arguments of an MQTT subscription binding set {@code option} (a boolean one). */
    public static boolean isSet(Map<String, Object> arguments, String option) {
        return Boolean.TRUE.equals(arguments.get(option));
    }

    /** The subscription identifier of canonical MQTT subscription arguments, 0 for none. */
    public static int subscriptionIdentifier(Map<String, Object> arguments) {
        return arguments.get(SUBSCRIPTION_IDENTIFIER) instanceof Integer identifier ? identifier : 0;
    }

    /**
     * The arguments of an MQTT subscription as {@link #of(int, boolean, boolean, int)} makes them, whatever integer
     * type carries a number (a table read back from the store or a definitions file may hold a long) and whether or
     * not an option at its default is spelled out, so that equal subscriptions are equal bindings; arguments that
     * are no MQTT subscription come back as they are.
     *
     * @throws BrokerException PRECONDITION_FAILED if the QoS is not 0, 1 or 2, an option has the wrong type or
     *                         range, or an argument is none of the subscription's
     */
    static Map<String, Object> canonical(Map<String, Object> arguments) {
        if (!arguments.containsKey(GRANTED_QOS)) {
            return arguments;
        }
        for (String name : arguments.keySet()) {
            if (!OPTIONS.contains(name)) {
                throw invalid(arguments);
            }
        }
        long qos = integer(arguments.get(GRANTED_QOS), arguments);
        Object identifier = arguments.get(SUBSCRIPTION_IDENTIFIER);
        long subscriptionIdentifier = identifier == null ? 0 : integer(identifier, arguments);
        if (qos < 0 || qos > 2 || identifier != null
                && (subscriptionIdentifier < 1 || subscriptionIdentifier > MAX_SUBSCRIPTION_IDENTIFIER)) {
            throw invalid(arguments);
        }
        return of((int) qos, flag(arguments.get(NO_LOCAL), arguments),
                flag(arguments.get(RETAIN_AS_PUBLISHED), arguments), (int) subscriptionIdentifier);
    }

    private static final Set<String> OPTIONS = Set.of(GRANTED_QOS, NO_LOCAL, RETAIN_AS_PUBLISHED,
            SUBSCRIPTION_IDENTIFIER);

    private static long integer(Object value, Map<String, Object> arguments) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        throw invalid(arguments);
    }

    private static boolean flag(Object value, Map<String, Object> arguments) {
        if (value == null || value instanceof Boolean) {
            return Boolean.TRUE.equals(value);
        }
        throw invalid(arguments);
    }

    private static BrokerException invalid(Map<String, Object> arguments) {
        return BrokerException.preconditionFailed("an MQTT subscription binding holds '" + GRANTED_QOS
                + "' (an integer 0, 1 or 2) and optionally '" + NO_LOCAL + "' and '" + RETAIN_AS_PUBLISHED
                + "' (booleans) and '" + SUBSCRIPTION_IDENTIFIER + "' (an integer 1 to "
                + MAX_SUBSCRIPTION_IDENTIFIER + "), nothing else; received " + arguments);
    }
}
