package dev.junction.amqp.codec.method;

import dev.junction.amqp.codec.types.LongString;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds instances of every method record by reflection, with values that exercise every field and bit. */
public final class MethodSamples {

    private MethodSamples() {
    }

    /** Every method class permitted by {@link AmqpMethod}, in table order. */
    public static List<Class<?>> methodTypes() {
        return Arrays.asList(AmqpMethod.class.getPermittedSubclasses());
    }

    /** Two instances per method: bits alternating from true, and bits alternating from false. */
    public static List<AmqpMethod> all() {
        List<AmqpMethod> samples = new ArrayList<>();
        for (Class<?> type : methodTypes()) {
            samples.add(sample(type, 0));
            samples.add(sample(type, 1));
        }
        return samples;
    }

    public static AmqpMethod sample(Class<?> type, int variant) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = value(components[i], i + variant);
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(types);
            return (AmqpMethod) constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName(), e);
        }
    }

    private static Object value(RecordComponent component, int seed) {
        Class<?> type = component.getType();
        if (type == boolean.class) {
            return seed % 2 == 0;
        } else if (type == int.class) {
            return 200 + seed;
        } else if (type == long.class) {
            return 70_000L + seed;
        } else if (type == String.class) {
            return component.getName() + "-" + seed;
        } else if (type == LongString.class) {
            return LongString.of("long " + component.getName() + " " + seed);
        } else if (type == Map.class) {
            return seed % 2 == 0 ? Map.of() : table();
        }
        throw new IllegalStateException("no sample value for " + component);
    }

    /** A table with value types both this codec and the RabbitMQ Java client decode to equal values. */
    public static Map<String, Object> table() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("flag", false);
        nested.put("list", List.of(1, LongString.of("two"), 3L));
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("bool", true);
        table.put("byte", (byte) -3);
        table.put("short", (short) -300);
        table.put("int", -70_000);
        table.put("long", 1L << 40);
        table.put("float", 1.5f);
        table.put("double", -2.25d);
        table.put("decimal", new BigDecimal("-12.345"));
        table.put("string", LongString.of("h\u00e9llo"));
        table.put("time", Instant.ofEpochSecond(1_700_000_000L));
        table.put("table", nested);
        table.put("void", null);
        return table;
    }
}
