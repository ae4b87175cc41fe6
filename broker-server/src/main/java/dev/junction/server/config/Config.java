package dev.junction.server.config;

import java.util.HashMap;
import java.util.Map;

/** An immutable set of typed configuration values; a key never set holds its default. */
public final class Config {
    private static final Config DEFAULTS = new Config(Map.of());

    private final Map<ConfigKey<?>, Object> values;

    private Config(Map<ConfigKey<?>, Object> values) {
        this.values = Map.copyOf(values);
    }

    public static Config defaults() {
        return DEFAULTS;
    }

    public <T> T get(ConfigKey<T> key) {
        @SuppressWarnings("unchecked")
        T value = (T) values.get(key);
        return value != null ? value : key.defaultValue();
    }

    public <T> Config with(ConfigKey<T> key, T value) {
        Map<ConfigKey<?>, Object> copy = new HashMap<>(values);
        copy.put(key, value);
        return new Config(copy);
    }

    /** Whether the key was set by the file or --set rather than left at its default. */
    public boolean isSet(ConfigKey<?> key) {
        return values.containsKey(key);
    }
}
