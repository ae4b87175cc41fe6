package dev.junction.core;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Declaration and binding arguments: AMQP field tables, which may hold null (void) values, unlike Map.copyOf. */
public final class Arguments {
    /** The field-table types other than text, by the Java types the codecs and the store decode them to. */
    private static final Map<Class<?>, String> TYPE_NAMES = typeNames();

    private Arguments() {
    }

    private static Map<Class<?>, String> typeNames() {
        Map<Class<?>, String> names = new LinkedHashMap<>();
        names.put(Integer.class, "signedint");
        names.put(Long.class, "long");
        names.put(Short.class, "short");
        names.put(Byte.class, "byte");
        names.put(Boolean.class, "bool");
        names.put(Float.class, "float");
        names.put(Double.class, "double");
        names.put(BigDecimal.class, "decimal");
        names.put(Date.class, "timestamp");
        names.put(Instant.class, "timestamp");
        names.put(Map.class, "table");
        names.put(List.class, "array");
        names.put(byte[].class, "binary");
        return Collections.unmodifiableMap(names);
    }

    /**
     * RabbitMQ's name for the field-table type of a value as the codecs hand values over, for refusals that name
     * it ("expected integer, got longstr"); text in any representation is a longstr.
     */
    public static String typeName(Object value) {
        if (value == null) {
            return "void";
        }
        for (Map.Entry<Class<?>, String> type : TYPE_NAMES.entrySet()) {
            if (type.getKey().isInstance(value)) {
                return type.getValue();
            }
        }
        return "longstr";
    }

    public static Map<String, Object> copyOf(Map<String, Object> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /**
     * Whether two field values are the same value, whatever wire type carried them: integers of any width compare
     * as numbers (a limit sent as a short, an int or a long, or read back from a definitions file's JSON, is the same
     * limit), text of any string type as text, byte arrays by content, and nested tables and arrays element by
     * element the same way, as RabbitMQ compares redeclared arguments.
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
        if (expected instanceof Map<?, ?> a && actual instanceof Map<?, ?> b) {
            return a.size() == b.size() && firstDifference(a, b) == null;
        }
        if (expected instanceof List<?> a && actual instanceof List<?> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!sameValue(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(expected, actual);
    }

    private static boolean isIntegral(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    /** The first argument whose value differs between the two tables (absent counts as a value), or null. */
    public static String firstDifference(Map<?, ?> current, Map<?, ?> received) {
        for (Map.Entry<?, ?> entry : received.entrySet()) {
            if (!current.containsKey(entry.getKey()) || !sameValue(current.get(entry.getKey()), entry.getValue())) {
                return String.valueOf(entry.getKey());
            }
        }
        for (Object name : current.keySet()) {
            if (!received.containsKey(name)) {
                return String.valueOf(name);
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
}
