package dev.junction.core;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Declaration and binding arguments: AMQP field tables, which may hold null (void) values, unlike Map.copyOf. */
public final class Arguments {
    private Arguments() {
    }

    /**
     * RabbitMQ's name for the field-table type of a value as the codecs hand values over, for refusals that name
     * it ("expected integer, got longstr"); text in any representation is a longstr.
     */
    public static String typeName(Object value) {
        if (value == null) {
            return "void";
        }
        if (value instanceof Integer) {
            return "signedint";
        }
        if (value instanceof Long) {
            return "long";
        }
        if (value instanceof Short) {
            return "short";
        }
        if (value instanceof Byte) {
            return "byte";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Float) {
            return "float";
        }
        if (value instanceof Double) {
            return "double";
        }
        if (value instanceof BigDecimal) {
            return "decimal";
        }
        if (value instanceof Date || value instanceof Instant) {
            return "timestamp";
        }
        if (value instanceof Map) {
            return "table";
        }
        if (value instanceof List) {
            return "array";
        }
        if (value instanceof byte[]) {
            return "binary";
        }
        return "longstr";
    }

    public static Map<String, Object> copyOf(Map<String, Object> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }
}
