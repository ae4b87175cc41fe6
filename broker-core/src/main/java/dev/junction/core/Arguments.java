package dev.junction.core;

import io.netty.buffer.ByteBufUtil;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Declaration and binding arguments: AMQP field tables, which may hold null (void) values, unlike Map.copyOf.
 *
 * <p>This is the one rule for what a table a client hands the broker may hold, on every path (AMQP declares and
 * binds, the management API, a definitions import, recovery): what the store can read back and what stays small
 * in the heap. A table the store wrote but cannot read back would stop the broker from starting again, and a table
 * of ten thousand entries costs about ten times its wire size in the heap for as long as its queue lives.
 */
public final class Arguments {
    /** The field-table types other than text, by the Java types the codecs and the store decode them to. */
    private static final Map<Class<?>, String> TYPE_NAMES = typeNames();

    /**
     * Deepest level a value may sit at: a table's own values are at level 1, the values of a table or array inside
     * it at level 2. The store refuses to read deeper records as damage, and the AMQP codec decodes no deeper.
     */
    public static final int MAX_DEPTH = 64;
    /** Values in one table, those of nested tables and arrays included. */
    public static final int MAX_VALUES = 1_000;
    /** UTF-8 bytes of one key, as in an AMQP field table. */
    public static final int MAX_KEY_BYTES = 255;
    /** Characters of keys and text plus bytes of byte arrays in one table, nested ones included. */
    public static final int MAX_CONTENT = 64 * 1024;

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

    /**
     * Copies as {@link #copyOf} does, after refusing a table beyond {@link #MAX_DEPTH}, {@link #MAX_VALUES} or
     * {@link #MAX_CONTENT} with PRECONDITION_FAILED.
     */
    public static Map<String, Object> checkedCopyOf(Map<String, Object> arguments) {
        check(arguments);
        return copyOf(arguments);
    }

    /** Refuses a table beyond the limits with PRECONDITION_FAILED, naming the top-level argument at fault. */
    public static void check(Map<String, Object> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return;
        }
        Budget budget = new Budget();
        for (Map.Entry<String, Object> entry : arguments.entrySet()) {
            try {
                budget.key(entry.getKey());
                budget.value(entry.getValue(), 1);
            } catch (Refusal refusal) {
                throw BrokerException.preconditionFailed("invalid arg '" + entry.getKey() + "': "
                        + refusal.getMessage());
            }
        }
    }

    /** What is left of the limits while walking one table; iterative in width, recursive only up to MAX_DEPTH. */
    private static final class Budget {
        private int values;
        private long content;

        void key(Object key) {
            if (!(key instanceof String text)) {
                throw new Refusal("table keys must be strings");
            }
            // An AMQP field name is a short string.
            if (text.length() > MAX_KEY_BYTES || ByteBufUtil.utf8Bytes(text) > MAX_KEY_BYTES) {
                throw new Refusal("table key longer than " + MAX_KEY_BYTES + " bytes");
            }
            spend(text.length());
        }

        void value(Object value, int depth) {
            if (depth > MAX_DEPTH) {
                throw new Refusal("tables and arrays nested deeper than " + MAX_DEPTH + " levels");
            }
            if (++values > MAX_VALUES) {
                throw new Refusal("more than " + MAX_VALUES + " values in one argument table");
            }
            if (value instanceof Map<?, ?> table) {
                for (Map.Entry<?, ?> entry : table.entrySet()) {
                    key(entry.getKey());
                    value(entry.getValue(), depth + 1);
                }
            } else if (value instanceof List<?> array) {
                for (Object element : array) {
                    value(element, depth + 1);
                }
            } else if (value instanceof byte[] bytes) {
                spend(bytes.length);
            } else if (value instanceof CharSequence text) {
                spend(text.length());
            } else if (value != null && !(value instanceof Number) && !(value instanceof Boolean)) {
                // A protocol's own wrapper (an AMQP long string, a timestamp): the store keeps its text.
                spend(value.toString().length());
            }
        }

        private void spend(int length) {
            content += length;
            if (content > MAX_CONTENT) {
                throw new Refusal("more than " + MAX_CONTENT + " characters and bytes in one argument table");
            }
        }
    }

    /** Unwinds the walk; carries no stack trace, it is an answer to a client. */
    private static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }
}
