package dev.junction.core;

import io.netty.buffer.ByteBufUtil;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Declaration and binding arguments: AMQP field tables, which may hold null (void) values, unlike Map.copyOf.
 *
 * <p>This is the one rule for what a table a client hands the broker may hold, on every path (AMQP declares and
 * binds, the management API, a definitions import, recovery): what the store can read back and what stays small
 * in the heap. A table the store wrote but cannot read back would stop the broker from starting again, and a table
 * of ten thousand entries costs about ten times its wire size in the heap for as long as its queue lives.
 */
public final class Arguments {
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

    public static Map<String, Object> copyOf(Map<String, Object> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
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
