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
}
