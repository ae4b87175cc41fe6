package dev.junction.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Declaration and binding arguments: AMQP field tables, which may hold null (void) values, unlike Map.copyOf. */
public final class Arguments {
    /** The names RabbitMQ gives field value types in its messages. */
    private static final Map<Class<?>, String> RABBITMQ_TYPE_NAMES = Map.of(Long.class, "long", Integer.class,
            "signedint", Short.class, "short", Byte.class, "byte", Boolean.class, "bool");

    private Arguments() {
    }

    public static Map<String, Object> copyOf(Map<String, Object> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /**
     * Whether two field values are the same value, whatever wire type carried them: integers of any width compare
     * as numbers and text of any string type as text, as clients expect (RabbitMQ compares by type class).
     */
    public static boolean sameValue(Object expected, Object actual) {
        if (expected instanceof byte[] a && actual instanceof byte[] b) {
            return Arrays.equals(a, b);
        }
        if (isIntegral(expected) && isIntegral(actual)) {
            return ((Number) expected).longValue() == ((Number) actual).longValue();
        }
        if (expected instanceof CharSequence && actual instanceof CharSequence) {
            return expected.toString().contentEquals((CharSequence) actual);
        }
        return Objects.equals(expected, actual);
    }

    private static boolean isIntegral(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    /** The first argument whose value differs between the two tables (absent counts as a value), or null. */
    public static String firstDifference(Map<String, Object> current, Map<String, Object> received) {
        for (Map.Entry<String, Object> entry : received.entrySet()) {
            if (!current.containsKey(entry.getKey()) || !sameValue(current.get(entry.getKey()), entry.getValue())) {
                return entry.getKey();
            }
        }
        for (String name : current.keySet()) {
            if (!received.containsKey(name)) {
                return name;
            }
        }
        return null;
    }

    /** An argument as RabbitMQ shows it in an inequivalence: "the value '5' of type 'long'", or "none". */
    public static String describe(Map<String, Object> arguments, String name) {
        if (!arguments.containsKey(name)) {
            return "none";
        }
        Object value = arguments.get(name);
        return "the value '" + value + "' of type '" + typeName(value) + "'";
    }

    private static String typeName(Object value) {
        if (value == null) {
            return "void";
        }
        if (value instanceof CharSequence) {
            return "longstr";
        }
        return RABBITMQ_TYPE_NAMES.getOrDefault(value.getClass(),
                value.getClass().getSimpleName().toLowerCase(Locale.ROOT));
    }
}
