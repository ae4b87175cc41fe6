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
     * Whether two tables hold the same values, whatever type carried each number: a limit sent as a short, an int
     * or a long (or read back from a definitions file's JSON) is the same limit, as RabbitMQ compares redeclared
     * arguments. Nested tables and arrays compare the same way, byte arrays by content.
     */
    public static boolean equivalent(Map<String, ?> first, Map<String, ?> second) {
        if (first.size() != second.size()) {
            return false;
        }
        for (Map.Entry<String, ?> entry : first.entrySet()) {
            if (!second.containsKey(entry.getKey()) || !sameValue(entry.getValue(), second.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static boolean sameValue(Object first, Object second) {
        if (first instanceof Number a && second instanceof Number b) {
            return isIntegral(a) && isIntegral(b) ? a.longValue() == b.longValue()
                    : Double.compare(a.doubleValue(), b.doubleValue()) == 0;
        }
        if (first instanceof byte[] a && second instanceof byte[] b) {
            return Arrays.equals(a, b);
        }
        if (first instanceof Map<?, ?> a && second instanceof Map<?, ?> b) {
            return equivalent((Map<String, ?>) a, (Map<String, ?>) b);
        }
        if (first instanceof List<?> a && second instanceof List<?> b) {
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
        return Objects.equals(first, second);
    }

    private static boolean isIntegral(Number number) {
        return number instanceof Long || number instanceof Integer || number instanceof Short
                || number instanceof Byte;
    }
}
