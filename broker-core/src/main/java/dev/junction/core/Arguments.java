package dev.junction.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Declaration and binding arguments: AMQP field tables, which may hold null (void) values, unlike Map.copyOf. */
public final class Arguments {
    private Arguments() {
    }

    public static Map<String, Object> copyOf(Map<String, Object> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }
}
